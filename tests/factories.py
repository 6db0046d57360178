"""Factories for test objects; policy content itself comes from fixtures/ via load_policies."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from agencies.models import Agency, User
from core.data_version import data_version_bump
from core.quarters import Quarter
from interventions.models import PlanItem
from reporting.models import ProgressUpdate, ReportingPeriod


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-AGENCY-{n}")
    name = factory.LazyAttribute(lambda o: f"Test agency {o.code}")
    kind = Agency.Kind.AGENCY
    level = Agency.Level.FEDERAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.pk")
    password = factory.django.Password("correct horse battery staple")


def user_with_role(role: str, agency_code: str | None = None, **kwargs) -> User:
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    return UserFactory(role=role, agency=agency, **kwargs)


def quarter_period(policy_code: str, label: str, **kwargs) -> ReportingPeriod:
    """The policy's reporting period for a calendar quarter, created if missing."""
    quarter = Quarter.parse(label)
    period, _ = ReportingPeriod.objects.get_or_create(
        policy=PlanItem.objects.filter(policy__code=policy_code).first().policy,
        label=label,
        defaults={
            "start": quarter.start,
            "end": quarter.end,
            "deadline": quarter.end + datetime.timedelta(days=15),
            **kwargs,
        },
    )
    return period


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    """An approved update by the item's lead agency, as if reviewed at the period's deadline.

    For data a test reads (figures, reports); tests of the reporting rules go through the web.
    """

    class Meta:
        model = ProgressUpdate

    item = factory.Iterator(PlanItem.objects.filter(policy__code="NISP-2018"))
    period = factory.LazyAttribute(lambda o: quarter_period(o.item.policy.code, "2026Q3"))
    agency = factory.LazyAttribute(lambda o: o.item.responsibilities.order_by("position")[0].agency)
    author = factory.LazyAttribute(
        lambda o: UserFactory(role=User.Role.DESK_OFFICER, agency=o.agency)
    )
    state = ProgressUpdate.State.APPROVED
    status = ProgressUpdate.Status.IN_PROGRESS
    percent_complete = 40
    confidence = ProgressUpdate.Confidence.GREEN
    narrative = factory.LazyAttribute(lambda o: f"Progress on {o.item.ref} in {o.period.label}.")
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.period.end, datetime.time(9)))
    )
    first_submitted_at = factory.SelfAttribute("submitted_at")
    reviewed_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(
            datetime.datetime.combine(o.period.deadline, datetime.time(9))
        )
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Stands in for the services' writes, so it moves the data version as they do (the
        # committee figures are cached by it).
        update = super()._create(model_class, *args, **kwargs)
        data_version_bump()
        return update
