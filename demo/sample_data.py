"""Sample progress for the demo and the benchmarks: plausible, deterministic, always marked.

Every update made here has `is_sample=True` and wording that starts with "Sample data:", so it
can never pass for an agency's report. The same generator serves `seed_demo` (a few recent
periods of the real plan) and `make_scale_data` (years of periods for a plan many times larger).

The records are written in bulk (COPY on PostgreSQL, demo.copy_rows), which bypasses the
services; they respect the services' rules by construction instead (a rationale with every
rating, spent within released, evidence with every completion, numbers for number indicators),
and a test runs every generated update through `services.validate_update` so a drift fails.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencies.models import User
from core.data_version import data_version_bump
from demo.accounts import DEMO_ACCOUNTS
from demo.copy_rows import foreign_keys_checked_at_end, insert_values
from interventions.models import Indicator, PlanItem, Policy, Responsibility
from reporting.models import (
    Comment,
    EvidenceFile,
    IndicatorValue,
    Notification,
    ProgressUpdate,
    ReportingPeriod,
)
from reporting.periods import period_close
from reporting.services import period_bounds_for, periods_ensure

Status = ProgressUpdate.Status
Confidence = ProgressUpdate.Confidence
State = ProgressUpdate.State

SAMPLE_AUTHOR_USERNAME = "sample.data"
DEFAULT_SEED = 2018
# Items per round trip: bounds memory at factor 100 while keeping the query count low.
ITEMS_PER_CHUNK = 500
INSERT_BATCH_SIZE = 5000


def delete_rows(queryset: QuerySet) -> int:
    """Delete with one SQL statement, children first (the caller's job).

    Generated rows were written without history, so deleting them must not write any either;
    the ORM's delete would also load every object to send signals (300,000 at factor 100).
    """
    return queryset._raw_delete(queryset.db)


# --- who reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reporter:
    agency_id: int
    author_id: int
    reviewer_id: int


def sample_author() -> User:
    """The author of sample updates whose agency has no demo account: inactive, no password."""
    user, created = User.objects.get_or_create(
        username=SAMPLE_AUTHOR_USERNAME,
        defaults={
            "first_name": "Sample data",
            "last_name": "(generated, not a person)",
            "email": f"{SAMPLE_AUTHOR_USERNAME}@demo.nisp-tracker.invalid",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _demo_people() -> dict[tuple[int, str], int]:
    """(agency id, role) -> user id of the demo accounts, where seed_demo created them."""
    usernames = [account.username for account in DEMO_ACCOUNTS if account.agency_code]
    return {
        (agency_id, role): pk
        for pk, agency_id, role in User.objects.filter(username__in=usernames)
        .order_by("-username")
        .values_list("pk", "agency_id", "role")
    }


def _reporters(item_ids: list[int], people: dict, fallback_id: int) -> dict[int, Reporter]:
    """The one agency that reports on each item: one with demo accounts if responsible (so the
    demo officers and reviewers see their samples), else the lead, else the first named."""
    chosen: dict[int, tuple] = {}
    rows = (
        Responsibility.objects.filter(item_id__in=item_ids)
        .order_by("item_id", "position", "pk")
        .values_list("item_id", "agency_id", "role")
    )
    for item_id, agency_id, role in rows:
        rank = (
            (agency_id, User.Role.DESK_OFFICER) not in people,
            role != Responsibility.Role.LEAD,
        )
        if item_id not in chosen or rank < chosen[item_id][0]:
            chosen[item_id] = (rank, agency_id)
    return {
        item_id: Reporter(
            agency_id=agency_id,
            author_id=people.get((agency_id, User.Role.DESK_OFFICER), fallback_id),
            reviewer_id=people.get((agency_id, User.Role.AGENCY_REVIEWER), fallback_id),
        )
        for item_id, (_, agency_id) in chosen.items()
    }


# --- periods ---------------------------------------------------------------------------------


def sample_periods_ensure(
    *, count: int, today: datetime.date | None = None, policies: Iterable[Policy] | None = None
) -> dict[int, list[ReportingPeriod]]:
    """The last `count` periods of each policy up to the current one, oldest first.

    Missing ones are created through the period service; past ones it creates are closed,
    since their deadline is long gone and nobody should start reporting on them now.
    """
    today = today or timezone.localdate()
    result = {}
    for policy in Policy.objects.all() if policies is None else policies:
        period_of = period_bounds_for(policy)
        starts, day = [], today
        for _ in range(count):
            _, start, _ = period_of(day)
            starts.append(start)
            day = start - datetime.timedelta(days=1)
        for start in starts:
            for period in periods_ensure(today=start, ahead=0, policies=[policy]):
                if period.deadline < today:
                    reason = "Past period created closed for sample data."
                    period_close(period=period, user=None, reason=reason)
        result[policy.pk] = list(
            ReportingPeriod.objects.filter(policy=policy, start__in=starts).order_by("start")
        )
    return result


# --- what each item's story looks like -------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One period's report in an item's story."""

    status: str
    percent: int


# Weights: most items move, some slip, a few stall or stop, some are never reported.
STORIES = {
    "unreported": 10,
    "steady": 32,
    "completes": 14,
    "slipping": 18,
    "late_start": 12,
    "stalled": 10,
    "discontinued": 4,
}

CONFIDENCE_BY_STATUS = {
    Status.NOT_STARTED: (Confidence.AMBER_GREEN, Confidence.AMBER),
    Status.IN_PROGRESS: (Confidence.AMBER_GREEN, Confidence.AMBER),
    Status.ON_TRACK: (Confidence.GREEN, Confidence.AMBER_GREEN),
    Status.AT_RISK: (Confidence.AMBER, Confidence.AMBER_RED),
    Status.DELAYED: (Confidence.AMBER_RED, Confidence.RED),
    Status.COMPLETED: (Confidence.GREEN,),
    Status.DISCONTINUED: (Confidence.RED,),
}

NARRATIVE = {
    Status.NOT_STARTED: "Sample data: work has not started; the agency is preparing a work plan.",
    Status.IN_PROGRESS: "Sample data: work continued this period; about {p}% of the planned "
    "steps are reported done.",
    Status.ON_TRACK: "Sample data: work is on schedule; about {p}% of the planned steps are "
    "reported done.",
    Status.AT_RISK: "Sample data: progress slowed this period ({p}% done) and the schedule "
    "may slip.",
    Status.DELAYED: "Sample data: work is behind schedule at {p}% done.",
    Status.COMPLETED: "Sample data: the agency reports this item completed; see the evidence link.",
    Status.DISCONTINUED: "Sample data: the agency reports that work on this item has stopped.",
}

CHALLENGES = (
    "Sample data: funds for this item were released late.",
    "Sample data: a partner department has not yet named a focal person.",
    "Sample data: procurement is taking longer than planned.",
    "Sample data: trained staff were transferred to other duties.",
    "Sample data: the provinces have not yet agreed the working arrangements.",
)

NEXT_STEPS = {
    Status.COMPLETED: "Sample data: none; the item is reported complete.",
    Status.DISCONTINUED: "Sample data: the agency will propose a replacement measure.",
    Status.NOT_STARTED: "Sample data: approve the work plan and name a focal person.",
}
DEFAULT_NEXT_STEPS = "Sample data: continue the work and report again next period."

RATIONALE = {
    Confidence.GREEN: "Sample data: no issue threatens delivery.",
    Confidence.AMBER_GREEN: "Sample data: minor issues that the agency expects to resolve.",
    Confidence.AMBER: "Sample data: issues need management attention to keep delivery feasible.",
    Confidence.AMBER_RED: "Sample data: delivery is in doubt without urgent action.",
    Confidence.RED: "Sample data: delivery looks unachievable without re-planning.",
}

BUDGET_MILLIONS = (5, 10, 25, 50, 120, 300)


def _story(rng: random.Random, periods: int) -> list[Step | None]:
    """An item's reports over the periods, None where it was not reported."""
    kind = rng.choices(list(STORIES), weights=list(STORIES.values()))[0]
    if kind == "unreported":
        return [None] * periods
    turn = rng.randint(1, max(periods - 1, 1))  # when it slips, starts, stops or finishes
    percent = rng.choice((0, 5, 10, 15, 20, 30, 40))
    steps: list[Step | None] = []
    for index in range(periods):
        if kind == "steady":
            percent += rng.randint(4, 12)
            status = Status.ON_TRACK if percent >= 10 else Status.IN_PROGRESS
        elif kind == "completes":
            finish = max(turn, periods - 2)
            percent = 100 if index >= finish else percent + (100 - percent) // (finish - index + 1)
            status = Status.COMPLETED if percent == 100 else Status.ON_TRACK
        elif kind == "slipping":
            percent += rng.randint(3, 8) if index < turn else rng.randint(0, 3)
            status = (
                Status.ON_TRACK
                if index < turn
                else Status.AT_RISK
                if index == turn
                else Status.DELAYED
            )
        elif kind == "late_start":
            percent = 0 if index < turn else percent + rng.randint(5, 12)
            status = Status.NOT_STARTED if index < turn else Status.IN_PROGRESS
        elif kind == "stalled":
            percent += rng.randint(0, 3)
            status = Status.DELAYED
        else:  # discontinued
            percent += rng.randint(3, 8) if index < turn else 0
            status = Status.IN_PROGRESS if index < turn else Status.DISCONTINUED
        percent = min(percent, 100 if status == Status.COMPLETED else 95)
        # Some periods go unreported; more often the current one, still being collected.
        skip = 0.25 if index == periods - 1 else 0.07
        if index > 0 and status != Status.COMPLETED and rng.random() < skip:
            steps.append(None)
        else:
            steps.append(Step(status, percent))
    return steps


# --- building the records --------------------------------------------------------------------


def _aware(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(
        minutes=rng.randint(0, 8 * 60)
    )
    return timezone.make_aware(moment)


def _review_times(rng, period: ReportingPeriod, now: datetime.datetime, past: bool):
    """When it was submitted and reviewed: after the period (a few late) or during the current."""
    if past:
        late = rng.random() < 0.08
        day = period.deadline + datetime.timedelta(days=rng.randint(1, 10)) if late else (
            period.end + datetime.timedelta(days=rng.randint(1, settings.REPORTING_DEADLINE_DAYS))
        )  # fmt: skip
        submitted = min(_aware(day, rng), now)
        reviewed = min(submitted + datetime.timedelta(days=rng.randint(1, 7)), now)
        return submitted, reviewed
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time()))
    submitted = start + (now - start) * rng.uniform(0.2, 0.8)
    return submitted, submitted + (now - submitted) * rng.uniform(0.2, 0.9)


@dataclass
class _Budget:
    total: Decimal
    released: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    def advance(self, rng: random.Random, percent: int) -> None:
        """Released grows with progress; spent stays within it and never falls."""
        share = Decimal(min(100, percent + rng.randint(0, 20))) / 100
        self.released = max(self.released, _thousands(self.total * share))
        spent = _thousands(self.released * Decimal(rng.uniform(0.4, 0.95)))
        self.spent = min(max(self.spent, spent), self.released)


def _thousands(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1)) * 1000


def _item_updates(
    item: PlanItem,
    reporter: Reporter,
    periods: list[ReportingPeriod],
    indicators: list[int],
    seed: int,
    now: datetime.datetime,
) -> Iterator[tuple[dict, dict[int, Decimal]]]:
    rng = random.Random(f"{seed}:{item.policy_id}:{item.ref}")
    budget = None
    if rng.random() < 0.45:
        total = item.budget_amount or Decimal(rng.choice(BUDGET_MILLIONS) * 1_000_000)
        budget = _Budget(total=total)
    counts = {indicator_id: Decimal(rng.randint(0, 20)) for indicator_id in indicators}
    today = timezone.localdate(now)
    for period, step in zip(periods, _story(rng, len(periods)), strict=True):
        if step is None:
            continue
        past = period.end < today
        state = State.APPROVED
        if not past:
            state = rng.choices([State.APPROVED, State.SUBMITTED, State.DRAFT], [35, 35, 30])[0]
        confidence = rng.choice(CONFIDENCE_BY_STATUS[step.status])
        troubled = step.status in (Status.AT_RISK, Status.DELAYED) or rng.random() < 0.15
        # A row of attnames, not an instance: building 200,000 instances at factor 100 cost
        # more than writing them (demo.copy_rows.insert_values fills the defaults).
        update = {
            "item_id": item.pk,
            "period_id": period.pk,
            "agency_id": reporter.agency_id,
            "author_id": reporter.author_id,
            "state": state,
            "status": step.status,
            "percent_complete": step.percent,
            "confidence": confidence,
            "confidence_rationale": RATIONALE[confidence],
            "narrative": NARRATIVE[step.status].format(p=step.percent),
            "challenges": rng.choice(CHALLENGES) if troubled else "",
            "next_steps": NEXT_STEPS.get(step.status, DEFAULT_NEXT_STEPS),
            "evidence_link": (
                f"https://sample-data.invalid/evidence/{item.pk}/{period.label}"
                if step.status == Status.COMPLETED
                else ""
            ),
            "is_sample": True,
        }
        if budget is not None:
            budget.advance(rng, step.percent)
            update["budget_released"], update["budget_spent"] = budget.released, budget.spent
        if state != State.DRAFT:
            submitted_at, reviewed_at = _review_times(rng, period, now, past)
            update["submitted_at"] = update["first_submitted_at"] = submitted_at
            if state == State.APPROVED:
                update["reviewed_at"], update["reviewed_by_id"] = reviewed_at, reporter.reviewer_id
        values = {}
        for indicator_id in counts:
            counts[indicator_id] += rng.randint(0, 9)
            values[indicator_id] = counts[indicator_id]
        yield update, values


@dataclass
class SampleCounts:
    updates: int = 0
    indicator_values: int = 0


def _chunks(queryset: QuerySet, size: int) -> Iterator[list]:
    """Consecutive pages by primary key, so a large plan never sits in memory at once."""
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not page:
            return
        yield page
        last = page[-1].pk


def sample_updates_create(
    *,
    items: QuerySet[PlanItem],
    periods_by_policy: dict[int, list[ReportingPeriod]],
    seed: int = DEFAULT_SEED,
    now: datetime.datetime | None = None,
    bulk_load: bool = False,
) -> SampleCounts:
    """Sample updates for the items in their policy's periods; rerunning adds nothing.

    An (item, period) that already has any update, sample or real, is left alone. With
    `bulk_load` (make_scale_data) it all goes in one transaction whose foreign keys are checked
    once at its end (demo.copy_rows.foreign_keys_checked_at_end), not per row.
    """
    if bulk_load:
        with transaction.atomic(), foreign_keys_checked_at_end(ProgressUpdate, IndicatorValue):
            return sample_updates_create(
                items=items, periods_by_policy=periods_by_policy, seed=seed, now=now
            )
    now = now or timezone.now()
    people = _demo_people()
    fallback_id = sample_author().pk
    period_ids = [p.pk for periods in periods_by_policy.values() for p in periods]
    counts = SampleCounts()
    for chunk in _chunks(items.filter(policy_id__in=periods_by_policy), ITEMS_PER_CHUNK):
        item_ids = [item.pk for item in chunk]
        reporters = _reporters(item_ids, people, fallback_id)
        number_indicators: dict[int, list[int]] = {}
        for item_id, indicator_id in (
            Indicator.objects.filter(item_id__in=item_ids, measure=Indicator.Measure.NUMBER)
            .order_by("item_id", "position", "pk")
            .values_list("item_id", "pk")
        ):
            number_indicators.setdefault(item_id, []).append(indicator_id)
        reported = set(
            ProgressUpdate.objects.filter(
                item_id__in=item_ids, period_id__in=period_ids
            ).values_list("item_id", "period_id")
        )
        pairs = []
        for item in chunk:
            if item.pk not in reporters:
                continue  # the source names nobody responsible: nobody reports
            periods = periods_by_policy[item.policy_id]
            for update, values in _item_updates(
                item, reporters[item.pk], periods, number_indicators.get(item.pk, []), seed, now
            ):
                if (item.pk, update["period_id"]) not in reported:
                    pairs.append((update, values))
        with transaction.atomic():
            created = insert_values(
                ProgressUpdate, [update for update, _ in pairs], INSERT_BATCH_SIZE
            )
            values = [
                {"update_id": update_id, "indicator_id": indicator_id, "number": number}
                for update_id, (_, by_indicator) in zip(created, pairs, strict=True)
                for indicator_id, number in by_indicator.items()
            ]
            insert_values(IndicatorValue, values, INSERT_BATCH_SIZE)
            # Written in bulk, past the services: bump the figures' data version here.
            data_version_bump()
        counts.updates += len(created)
        counts.indicator_values += len(values)
    return counts


DEMO_PERIODS = 4


def demo_samples_ensure(*, seed: int = DEFAULT_SEED) -> SampleCounts:
    """Sample progress on the real plan for the last few periods of each policy, for the demo."""
    return sample_updates_create(
        items=PlanItem.objects.filter(is_synthetic=False),
        periods_by_policy=sample_periods_ensure(count=DEMO_PERIODS),
        seed=seed,
    )


@transaction.atomic
def sample_updates_remove() -> int:
    """Delete every sample update and its children (values, evidence, comments, history).

    Real updates are untouched. Returns the number of updates removed.
    """
    samples = ProgressUpdate.objects.filter(is_sample=True)
    for evidence in EvidenceFile.objects.filter(update__in=samples):
        evidence.file.delete(save=False)
    for children in (
        EvidenceFile.objects.filter(update__in=samples),
        Comment.objects.filter(update__in=samples),
        Notification.objects.filter(update__in=samples),
        IndicatorValue.objects.filter(update__in=samples),
        IndicatorValue.history.filter(update_id__in=samples.values("pk")),
        EvidenceFile.history.filter(update_id__in=samples.values("pk")),
        ProgressUpdate.history.filter(is_sample=True),
    ):
        delete_rows(children)
    data_version_bump()
    return delete_rows(samples)
