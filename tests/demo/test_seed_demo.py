import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from agencies.models import User
from reporting.models import ProgressUpdate

pytestmark = pytest.mark.django_db

EXPECTED = {
    "officer.moi": ("desk_officer", "MOI"),
    "reviewer.moi": ("agency_reviewer", "MOI"),
    "officer.kp": ("desk_officer", "HD-KP"),
    "reviewer.kp": ("agency_reviewer", "HD-KP"),
    "committee": ("committee_member", None),
    "secretary": ("committee_secretary", None),
    "admin": ("administrator", None),
}


def test_seed_demo_creates_one_account_per_role_and_prints_how_to_log_in(plan, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username, (role, agency) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert (user.role, user.agency.code if user.agency else None) == (role, agency)
        assert username in out
        assert user.check_password("nisp-demo-2026")
    assert "nisp-demo-2026" in out
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_twice_keeps_one_account_each(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(username__in=EXPECTED).count() == len(EXPECTED)


def test_demo_accounts_log_in_through_the_login_page(plan, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/", {"username": "officer.moi", "password": "nisp-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_seed_demo_is_refused_with_debug_off(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused with DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()
    assert not ProgressUpdate.objects.exists()


def test_seed_demo_needs_the_agency_registry(plan, settings):
    from agencies.models import Agency

    Agency.objects.filter(code="MOI").update(code="MOI-ELSEWHERE")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Agency MOI is not loaded: run load_policies first"):
        call_command("seed_demo")
    assert not User.objects.filter(username__in=EXPECTED).exists()


def test_sample_data_is_the_same_on_every_run(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = list(ProgressUpdate.objects.order_by("item_id", "period__start").values_list(
        "item_id", "period__label", "status", "percent_complete", "confidence", "budget_spent"
    ))  # fmt: skip
    call_command("remove_sample_data")
    call_command("seed_demo")
    second = list(ProgressUpdate.objects.order_by("item_id", "period__start").values_list(
        "item_id", "period__label", "status", "percent_complete", "confidence", "budget_spent"
    ))  # fmt: skip
    assert first == second


def test_compliance_has_no_sample_note_without_samples(plan, client, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-samples")
    client.force_login(User.objects.get(username="committee"))
    response = client.get(reverse("reporting:compliance"))
    assert response.status_code == 200
    assert b"sample update" not in response.content
