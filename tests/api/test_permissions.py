"""Every endpoint against every kind of caller: the web's permissions, proven for the API.

Reads are open to everyone signed in; drafts stay inside their agency (404 elsewhere); writes
follow reporting.permissions (403 for a visible record the caller may not change); a read-only
token may never write, even for a person who could; nobody anonymous gets anything.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from committee import services as committee_services
from committee.models import QuarterlyReport
from interventions import services as plan_services
from interventions.models import PlanItem
from reporting import services
from reporting.models import ImportRecord
from tests.progress import current_period, make_people, moi_item_of_the_plan
from tests.shared_rows import shared_people, shared_rows, use_shared_files  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "officer", "other_officer", "reviewer", "committee", "secretary",
         "read_only_token"]  # fmt: skip
SIGNED_IN = {role: 200 for role in ROLES if role != "anonymous"}
# What a client needs before it holds a key: the schema and its docs.
PUBLIC = {role: 200 for role in ROLES}


@dataclass
class Endpoint:
    method: str
    url: str  # formatted with the world's ids
    expected: dict[str, int]
    body: dict = field(default_factory=dict)
    # Whose read-only token tries it: the person who could do it with a full token.
    read_only_owner: str = "officer"
    # Sent as multipart with a small PDF in `file` (the evidence upload).
    upload: bool = False


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: allowed.get(role, default) for role in ROLES if role != "anonymous"}


# Who may see a draft: its agency (the officer, the reviewer, the officer's own token).
DRAFT_VISIBLE = {"officer": 200, "reviewer": 200, "read_only_token": 200}
DRAFT_HIDDEN = {"other_officer": 404, "committee": 404, "secretary": 404}
NEW_UPDATE = {"status": "in_progress", "percent_complete": 10, "confidence": "green",
              "narrative": "Started."}  # fmt: skip

# The quarterly reports: the committee's papers, not the agencies'.
COMMITTEE_READS = only({"committee": 200, "secretary": 200, "read_only_token": 200})
MEETING_READS = only({"committee": 200, "secretary": 200, "read_only_token": 200}, default=404)
WRITE_MEETINGS = only(
    {"secretary": 201, "committee": 403, "read_only_token": 403}, default=404
)  # the read-only token is the secretary's

ENDPOINTS = {
    "api root": Endpoint("get", "/api/v1/", SIGNED_IN),
    "policies": Endpoint("get", "/api/v1/policies/", SIGNED_IN),
    "policy": Endpoint("get", "/api/v1/policies/NISP-2018/", SIGNED_IN),
    "themes": Endpoint("get", "/api/v1/themes/", SIGNED_IN),
    "theme": Endpoint("get", "/api/v1/themes/{theme}/", SIGNED_IN),
    "agencies": Endpoint("get", "/api/v1/agencies/", SIGNED_IN),
    "agency": Endpoint("get", "/api/v1/agencies/MOI/", SIGNED_IN),
    "periods": Endpoint("get", "/api/v1/periods/?policy=NISP-2018&state=open", SIGNED_IN),
    "period": Endpoint("get", "/api/v1/periods/{period}/", SIGNED_IN),
    "items": Endpoint("get", "/api/v1/items/", SIGNED_IN),
    "items csv": Endpoint("get", "/api/v1/items/csv/", SIGNED_IN),
    "items xlsx": Endpoint("get", "/api/v1/items/xlsx/", SIGNED_IN),
    "item": Endpoint("get", "/api/v1/items/{item}/", SIGNED_IN),
    "crosswalk": Endpoint("get", "/api/v1/crosswalk/?policy=NAP-2014&ref=4", SIGNED_IN),
    "item history": Endpoint("get", "/api/v1/items/{item}/updates/", SIGNED_IN),
    "schema": Endpoint("get", "/api/schema/", PUBLIC),
    "docs": Endpoint("get", "/api/docs/", PUBLIC),
    "updates": Endpoint("get", "/api/v1/updates/", SIGNED_IN),
    "create update": Endpoint(
        "post", "/api/v1/items/{item}/updates/", only({"officer": 201}),
        body={"period": "{period}", **NEW_UPDATE},
    ),
    "read draft": Endpoint("get", "/api/v1/updates/{draft}/", {**DRAFT_VISIBLE, **DRAFT_HIDDEN}),
    "read submitted": Endpoint("get", "/api/v1/updates/{submitted}/", SIGNED_IN),
    "patch draft": Endpoint(
        "patch", "/api/v1/updates/{draft}/", only({"officer": 200, **DRAFT_HIDDEN}),
        body={"version": 1, "percent_complete": 20},
    ),
    "patch submitted": Endpoint(
        "patch", "/api/v1/updates/{submitted}/", only({"officer": 409}),
        body={"version": 2, "percent_complete": 20},
    ),
    "submit draft": Endpoint(
        "post", "/api/v1/updates/{draft}/submit/", only({"officer": 200, **DRAFT_HIDDEN}),
        body={"version": 1},
    ),
    "approve": Endpoint(
        "post", "/api/v1/updates/{submitted}/approve/", only({"reviewer": 200}),
        body={"version": 2}, read_only_owner="reviewer",
    ),
    "reports": Endpoint("get", "/api/v1/reports/", COMMITTEE_READS, read_only_owner="committee"),
    "report": Endpoint(
        "get", "/api/v1/reports/{report}/", COMMITTEE_READS, read_only_owner="committee"
    ),
    **{
        f"report {fmt}": Endpoint(
            "get", f"/api/v1/reports/{{report}}/files/{fmt}/", COMMITTEE_READS,
            read_only_owner="committee",
        )
        for fmt in ("pdf", "xlsx", "csv")
    },
    "request report": Endpoint(
        "post", "/api/v1/reports/", only({"secretary": 201}),
        body={"quarter": "2025Q3", "scope": "NISP-2018"}, read_only_owner="secretary",
    ),
    # The plan's baselines: anyone signed in reads the revisions; a change request is seen by
    # the committee and the item's agency (404 elsewhere), proposed by the agency's reviewer
    # or the secretary, and decided by the secretary alone.
    "item revisions": Endpoint("get", "/api/v1/items/{item}/revisions/", SIGNED_IN),
    "change requests": Endpoint("get", "/api/v1/change-requests/", SIGNED_IN),
    "change request": Endpoint(
        "get", "/api/v1/change-requests/{change}/", {**SIGNED_IN, "other_officer": 404}
    ),
    "propose change": Endpoint(
        "post", "/api/v1/change-requests/", only({"reviewer": 201, "secretary": 201}),
        body={"item": "{item}", "due_date": "2027-12-31", "reason": "Agreed timeline"},
        read_only_owner="reviewer",
    ),
    "approve change": Endpoint(
        "post", "/api/v1/change-requests/{change}/approve/",
        only({"secretary": 200, "other_officer": 404}),
        body={"authority": "ACIS 2027Q1, decision 4"}, read_only_owner="secretary",
    ),
    "reject change": Endpoint(
        "post", "/api/v1/change-requests/{change}/reject/",
        only({"secretary": 200, "other_officer": 404}),
        body={"note": "Not agreed."}, read_only_owner="secretary",
    ),
    "close period": Endpoint(
        "post", "/api/v1/periods/{period}/close/", only({"secretary": 200}),
        read_only_owner="secretary",
    ),
    "lock period": Endpoint(
        "post", "/api/v1/periods/{period}/lock/", only({"secretary": 200}),
        read_only_owner="secretary",
    ),
    "reopen open period": Endpoint(
        "post", "/api/v1/periods/{period}/reopen/", only({"secretary": 409}),
        body={"reason": "MoI asked to correct an item."}, read_only_owner="secretary",
    ),
    "extend deadline": Endpoint(
        "post", "/api/v1/periods/{period}/extensions/", only({"secretary": 201}),
        body={"agency": "MOI", "until": "{extension_until}", "reason": "Floods closed the office."},
        read_only_owner="secretary",
    ),
    "upload evidence": Endpoint(
        "post", "/api/v1/updates/{draft}/evidence/", only({"officer": 201, **DRAFT_HIDDEN}),
        upload=True,
    ),
    "draft evidence": Endpoint(
        "get", "/api/v1/updates/{draft}/evidence/{draft_file}/",
        {**DRAFT_VISIBLE, **DRAFT_HIDDEN},
    ),
    "submitted evidence": Endpoint(
        "get", "/api/v1/updates/{submitted}/evidence/{submitted_file}/", SIGNED_IN
    ),
    "return": Endpoint(
        "post", "/api/v1/updates/{submitted}/return/",
        only({"reviewer": 200, "secretary": 200}),
        body={"comment": "Attach the minutes.", "version": 2}, read_only_owner="reviewer",
    ),
    # The committee's meetings: members read, the secretary writes; to anyone else they do
    # not exist (404, as on the web pages).
    "meetings": Endpoint("get", "/api/v1/meetings/", MEETING_READS, read_only_owner="committee"),
    "meeting": Endpoint(
        "get", "/api/v1/meetings/{meeting}/", MEETING_READS, read_only_owner="committee"
    ),
    "arrange meeting": Endpoint(
        "post", "/api/v1/meetings/", WRITE_MEETINGS,
        body={"title": "Ad hoc review", "kind": "ad_hoc", "date": "{today}"},
        read_only_owner="secretary",
    ),
    "record decision": Endpoint(
        "post", "/api/v1/meetings/{meeting}/decisions/",
        WRITE_MEETINGS,
        body={"agenda_item": "{agenda_item}", "text": "MOI to report back.",
              "action": "Report back", "owner": "MOI", "due_date": "{action_due}"},
        read_only_owner="secretary",
    ),
    "move agenda point": Endpoint(
        "post", "/api/v1/meetings/{meeting}/agenda/{agenda_item}/move/",
        # One point on the agenda: it cannot move, a 400 once permission has passed.
        {**WRITE_MEETINGS, "secretary": 400}, body={"direction": "down"},
        read_only_owner="secretary",
    ),
    "drop agenda point": Endpoint(
        "post", "/api/v1/meetings/{meeting}/agenda/{agenda_item}/drop/",
        # The point has a decision: kept, a 400 once permission has passed.
        {**WRITE_MEETINGS, "secretary": 400}, read_only_owner="secretary",
    ),
    "comment on meeting": Endpoint(
        "post", "/api/v1/meetings/{meeting}/comments/",
        {**WRITE_MEETINGS, "committee": 201}, body={"text": "Ask KP for its figures."},
        read_only_owner="committee",
    ),
    # Action items: the committee reads all, an agency its own (404 elsewhere); the owner's
    # officers and reviewers update them, the secretary too, and closes a done one.
    "action items": Endpoint("get", "/api/v1/action-items/", SIGNED_IN),
    "action item": Endpoint(
        "get", "/api/v1/action-items/{action}/", {**SIGNED_IN, "other_officer": 404}
    ),
    "update action": Endpoint(
        "patch", "/api/v1/action-items/{action}/",
        only({"officer": 200, "reviewer": 200, "secretary": 200, "other_officer": 404}),
        body={"status": "in_progress", "note": "The letter is drafted."},
    ),
    "close action": Endpoint(
        "post", "/api/v1/action-items/{action}/close/",
        only({"secretary": 200, "other_officer": 404}), read_only_owner="secretary",
    ),
    # Agency workbooks: desk officers upload their own agency's; an import is seen by its agency
    # alone and applied by its uploader. A PDF is refused as a file (400): permission passed.
    "upload workbook": Endpoint(
        "post", "/api/v1/imports/", only({"officer": 201, "other_officer": 201}), upload=True,
    ),
    "read import": Endpoint("get", "/api/v1/imports/{import}/", {**DRAFT_VISIBLE, **DRAFT_HIDDEN}),
    "apply import": Endpoint(
        "post", "/api/v1/imports/{import}/apply/", only({"officer": 409, **DRAFT_HIDDEN}),
    ),
    # Who may read an item: the secretary sets it, with a reason; everyone else is refused.
    "set sensitivity": Endpoint(
        "post", "/api/v1/items/{item}/sensitivity/", only({"secretary": 200}),
        body={"sensitivity": "restricted", "reason": "Names a threat assessment."},
        read_only_owner="secretary",
    ),
    "download workbook": Endpoint(
        "get", "/api/v1/imports/workbook/?period={period}",
        {**only({"officer": 200, "other_officer": 200}), "read_only_token": 200},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """The people and the world, made once for the module's 400-odd requests."""
    with shared_rows(django_db_blocker, tmp_path_factory, "permissions") as folder:
        people = make_people()
        yield {
            "folder": folder,
            "people": people,
            "world": _world(people, moi_item_of_the_plan(), current_period()),
        }


@pytest.fixture
def world(db, shared, settings):
    use_shared_files(settings, shared["folder"])
    return shared["world"]


def _world(people, moi_item, period) -> dict:
    """One item to report on, and two other MOI items with a draft and a submitted update."""
    others = PlanItem.objects.filter(
        policy__code="NISP-2018", responsibilities__agency__code="MOI"
    ).exclude(pk=moi_item.pk)[:2]
    officer = people["officer"]
    data = services.UpdateData(**NEW_UPDATE)
    draft = services.update_create(user=officer, item=others[0], period=period, data=data)
    submitted = services.update_create(user=officer, item=others[1], period=period, data=data)
    files = {
        name: services.evidence_add(
            user=officer, update=update, upload=SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4")
        )
        for name, update in (("draft_file", draft), ("submitted_file", submitted))
    }
    services.update_submit(user=officer, update=submitted, version=1)
    report = QuarterlyReport.objects.create(
        quarter="2025Q2",
        scope="NAP-2014",
        version=1,
        requested_at=timezone.now(),
        state="done",
        pdf=ContentFile(b"%PDF-1.7 a report", name="report.pdf"),
        xlsx=ContentFile(b"PK a workbook", name="report.xlsx"),
        csv=ContentFile(b"figure,value", name="report.csv"),
    )
    refused = ImportRecord.objects.create(
        agency=officer.agency, uploaded_by=officer, original_name="moi.xlsx", size=1,
        state=ImportRecord.State.REFUSED, created_at=timezone.now(),
    )  # fmt: skip
    change = plan_services.change_request_propose(
        user=people["reviewer"], item=moi_item, values={"due_date": datetime.date(2027, 6, 30)},
        reason="Agreed timeline",
    )  # fmt: skip
    action, point = _committee_action(people, moi_item)
    today = timezone.localdate()
    return {"item": moi_item.pk, "period": period.pk, "draft": draft.pk,
            "submitted": submitted.pk, "theme": moi_item.theme_id, "report": report.pk,
            "fmt": "pdf", "change": change.pk, "import": refused.pk,
            **{name: f.pk for name, f in files.items()},
            "extension_until": str(period.deadline + datetime.timedelta(days=30)),
            "meeting": point.meeting_id, "agenda_item": point.pk, "action": action.pk,
            "today": str(today),
            "action_due": str(today + datetime.timedelta(days=30))}  # fmt: skip


def _committee_action(people, item):
    """A meeting with one point, decided with an action for MOI that MOI reports done (so
    the secretary can close it). No drafted agenda: the ranking is tested elsewhere."""
    secretary = people["secretary"]
    meeting = committee_services.meeting_create(
        user=secretary, title="Review", kind="ad_hoc", date=timezone.localdate(),
        build_agenda=False,
    )  # fmt: skip
    point = committee_services.agenda_item_add(
        user=secretary, meeting=meeting, title="MOI item", item=item
    )
    decision = committee_services.decision_record(user=secretary, point=point, text="Act")
    action = committee_services.action_item_create(
        user=secretary, decision=decision, text="Report back", owner=people["officer"].agency,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    committee_services.action_item_update(
        user=people["officer"], action=action, status="done", evidence="Letter 7/2026"
    )
    return action, point


def client_for(role: str, endpoint: Endpoint, people, api_as) -> APIClient:
    if role == "anonymous":
        return APIClient()
    if role == "read_only_token":
        return api_as(people[endpoint.read_only_owner], read_only=True)
    person = {"other_officer": "outsider"}.get(role, role)
    return api_as(people[person])


def _path_shape(path: str) -> str:
    """/api/v1/updates/{id}/submit/ and /api/v1/updates/{draft}/submit/ alike."""
    return re.sub(r"\{\w+\}|NISP-2018|MOI", "{}", path.split("?")[0])


def test_the_matrix_covers_every_operation_in_the_schema(api_as, people, plan):
    schema = api_as(people["committee"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    documented = {
        (method, _path_shape(path))
        for path, methods in schema.json()["paths"].items()
        for method in methods
    }
    covered = {(e.method, _path_shape(e.url)) for e in ENDPOINTS.values()}
    assert documented <= covered


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_permission_matrix(name, role, world, people, api_as):
    endpoint = ENDPOINTS[name]
    client = client_for(role, endpoint, people, api_as)
    url = endpoint.url.format(**world)
    body = {k: v.format(**world) if isinstance(v, str) else v for k, v in endpoint.body.items()}
    if endpoint.upload:
        body["file"] = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes")
        response = client.post(url, body, format="multipart")
    elif endpoint.method == "get":
        response = client.get(url)
    else:
        response = getattr(client, endpoint.method)(url, body, format="json")
    expected = endpoint.expected.get(role, 401)
    assert response.status_code == expected, (name, role, response.content[:300])
    if expected >= 400 and url.startswith("/api/v1/"):
        assert set(response.json()) == {"code", "detail", "errors"}
