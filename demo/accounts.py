"""The demo accounts, one per role, that `make run` prints: never on a real deployment."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from agencies.models import Agency, User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency_code: str | None
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("officer.moi", User.Role.DESK_OFFICER, "MOI", "Desk Officer (MoI)"),
    DemoAccount("reviewer.moi", User.Role.AGENCY_REVIEWER, "MOI", "Focal Person (MoI)"),
    DemoAccount("officer.kp", User.Role.DESK_OFFICER, "HD-KP", "Desk Officer (KP Home Department)"),
    DemoAccount(
        "reviewer.kp", User.Role.AGENCY_REVIEWER, "HD-KP", "Focal Person (KP Home Department)"
    ),
    DemoAccount("committee", User.Role.COMMITTEE_MEMBER, None, "Committee Member"),
    DemoAccount("secretary", User.Role.COMMITTEE_SECRETARY, None, "Committee Secretary"),
    DemoAccount("admin", User.Role.ADMINISTRATOR, None, "Administrator"),
)


class MissingAgencyError(Exception):
    pass


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts or reset them to their demo role and password."""
    results = []
    for account in DEMO_ACCOUNTS:
        agency = None
        if account.agency_code:
            agency = Agency.objects.filter(code=account.agency_code).first()
            if agency is None:
                raise MissingAgencyError(
                    f"Agency {account.agency_code} is not loaded: run load_policies first."
                )
        first, _, last = account.full_name.partition(" ")
        user, created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "role": account.role,
                "agency": agency,
                "first_name": first,
                "last_name": last,
                "email": f"{account.username}@demo.nisp-tracker.invalid",
                "is_staff": account.role
                in (User.Role.ADMINISTRATOR, User.Role.COMMITTEE_SECRETARY),
                "is_superuser": account.role == User.Role.ADMINISTRATOR,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        results.append((account, created))
    return results
