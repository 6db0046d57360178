"""The plans: policies, their themes, items, responsibilities, indicators and cross-policy links.

Everything here is loaded from fixtures/ by `load_policies`; the fields people fill in later
(indicator targets, a term the committee sets) are never overwritten by a reload.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies import geography
from agencies.models import ActsFor, Agency, User
from core.models import SourceReference


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Six-monthly")
    ANNUAL = "annual", _("Annual")


class Policy(SourceReference):
    """A policy document: NISP 2018-2023, the National Action Plan, NSP 2022-2026."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=255)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    issuing_body = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="issued_policies"
    )
    oversight_body = models.CharField(max_length=255, blank=True)
    reporting_cadence = models.CharField(max_length=16, choices=Cadence.choices)
    # How often the whole policy is reviewed; blank where the source states no such cycle.
    review_cadence = models.CharField(max_length=16, choices=Cadence.choices, blank=True)
    # NISP 2018 reviews only its priority list annually (002 lines 1754-1755), not the policy.
    priority_review_cadence = models.CharField(max_length=16, choices=Cadence.choices, blank=True)
    # One citation per fact field: {"oversight_body": {"file": ..., "first": n, "last": m}}.
    citations = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.code


class Theme(SourceReference):
    """A node of a policy's theme tree: a NISP pillar or sub-theme, NAP's CT/CVE, an NSP section."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="themes")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "key"],
                name="interventions_theme_unique_key",
                violation_error_message="A theme key is unique within its policy.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.key} {self.name}"


class Priority(SourceReference):
    """An entry of the NISP Priority List (Table 2), under its prong."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="priorities")
    rank = models.PositiveSmallIntegerField()
    prong = models.CharField(max_length=64)
    text = models.TextField()

    class Meta:
        ordering = ["policy", "rank"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "rank"],
                name="interventions_priority_unique_rank",
                violation_error_message="A priority rank is unique within its policy.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} priority {self.rank}"


class Sensitivity(models.TextChoices):
    """Who may read an item (and, where stricter, one of its updates or evidence files)."""

    PUBLIC = "public", _("Public")
    OFFICIAL = "official", _("Official")
    RESTRICTED = "restricted", _("Restricted")


# From least to most strict: an update or a file may only narrow what its item allows.
SENSITIVITY_ORDER = [Sensitivity.PUBLIC, Sensitivity.OFFICIAL, Sensitivity.RESTRICTED]


def stricter(*levels: str) -> str:
    """The strictest of the levels given (blank means "as its item" and is skipped)."""
    return max((level for level in levels if level), key=SENSITIVITY_ORDER.index)


def reads_every_item(user) -> bool:
    """The committee and its secretary read restricted items without a grant; so do the
    administrators, who read the committee's papers and every row through the admin anyway."""
    return getattr(user, "is_authenticated", False) and user.role in (
        User.Role.COMMITTEE_MEMBER,
        User.Role.COMMITTEE_SECRETARY,
        User.Role.ADMINISTRATOR,
    )


# What each class of readers (visibility_class) sees: its figures count these levels only.
CLASS_SEES = {
    "all": tuple(Sensitivity.values),
    "official": (Sensitivity.PUBLIC, Sensitivity.OFFICIAL),
    "public": (Sensitivity.PUBLIC,),
}


def visibility_class(user) -> str:
    """What a reader's figures may count: "all" items, the "official" ones (signed in, no
    restricted items but their own, which the figures do not single out), or "public" ones.
    Caches of figures and pages are keyed by it, so one class's answer never serves another."""
    if not getattr(user, "is_authenticated", False):
        return "public"
    return "all" if reads_every_item(user) else "official"


def reader_key(user) -> str:
    """Who a cached page was built for: readers with the same key see the same items. A class
    where the class decides ("all", "public"); otherwise the reader, whose own agency, acts-for
    and grants add restricted items (granting or revoking either bumps the data version)."""
    visibility = visibility_class(user)
    if visibility != "official":
        return visibility
    return f"reader:{user.pk}:{user.agency_id or ''}"


def restricted_readable(user, item_ref: str = "pk") -> Q:
    """A condition on items (or, with item_ref "item_id", on rows pointing at an item): the user
    may read them even where restricted, holding a grant on the item or being of, or reporting
    for (User.acts_for), a responsible agency: whoever reports on an item reads it."""
    if reads_every_item(user):
        return Q()
    grants = ItemGrant.objects.filter(item_id=OuterRef(item_ref), user_id=user.pk)
    agencies = Q(agency_id__in=ActsFor.objects.filter(user_id=user.pk).values("agency_id"))
    if user.agency_id:
        agencies |= Q(agency_id=user.agency_id)
    responsible = Responsibility.objects.filter(agencies, item_id=OuterRef(item_ref))
    return Q(Exists(grants)) | Q(Exists(responsible))


def item_visible(user, item_ref: str = "pk", prefix: str = "") -> Q:
    """The one rule for who reads an item, as a condition: anonymous readers the public ones;
    everyone signed in the public and official ones, and restricted ones where
    restricted_readable. `prefix` ("item__") applies it to rows pointing at an item."""
    field = f"{prefix}sensitivity"
    if not getattr(user, "is_authenticated", False):
        return Q(**{field: Sensitivity.PUBLIC})
    if reads_every_item(user):
        return Q()
    return ~Q(**{field: Sensitivity.RESTRICTED}) | restricted_readable(user, item_ref)


class PlanItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanItemQuerySet:
        """The items the user may read (interventions.models.item_visible): behind every list,
        page, search, count, API call, export, workbook, reminder and figure. Outside it an
        item does not exist for that user (404, never 403)."""
        return self.filter(item_visible(user))

    def for_visibility_class(self, visibility: str) -> PlanItemQuerySet:
        """The items a whole class of readers sees (visibility_class): what a page cached per
        class may name."""
        if visibility == "all":
            return self.all()
        return self.filter(sensitivity__in=CLASS_SEES[visibility])

    def for_agency(self, agency: Agency) -> PlanItemQuerySet:
        """Items the agency answers for, directly or through a group wording."""
        return self.filter(responsibilities__agency=agency).distinct()

    def at_place(self, *, level: str = "", province: str = "") -> PlanItemQuerySet:
        """Items with a responsible body counting for the level and/or province (one body
        answering both when both are given; agencies.geography holds the rule). An EXISTS:
        no duplicate rows, no query of its own. The item filter and the figures both use it."""
        if not (level or province):
            return self
        bodies = geography.agencies_for(level=level, province=province)
        return self.filter(
            Exists(Responsibility.objects.filter(item=OuterRef("pk"), agency__in=bodies))
        )

    def without_owner(self) -> PlanItemQuerySet:
        """Items whose source names no lead and that nobody has assigned one: a data gap."""
        return self.filter(owner_not_stated())


def owner_not_stated() -> Q:
    """The owner data gap, as a condition on items: a real item with no lead, neither named by
    its source nor assigned by the secretary. Benchmark items belong to no source, so they are
    never a gap. The item filter and the committee's figures both use it, so they agree."""
    leads = Responsibility.objects.filter(item=OuterRef("pk"), role=Responsibility.Role.LEAD)
    return Q(is_synthetic=False) & ~Exists(leads)


class PlanItem(SourceReference):
    """One intervention (NISP Annex A), point (NAP) or commitment (NSP) as the source states it."""

    class Kind(models.TextChoices):
        INTERVENTION = "intervention", _("Intervention")
        POINT = "point", _("Point")
        COMMITMENT = "commitment", _("Commitment")

    class Term(models.TextChoices):
        SHORT = "short", _("Short term")
        MEDIUM = "medium", _("Medium term")
        LONG = "long", _("Long term")
        UNKNOWN = "unknown", _("Not recoverable from the source")

    class BudgetKind(models.TextChoices):
        TBD = "tbd", _("To be determined")
        AS_FINALIZED = "as_finalized", _("As finalized")
        NONE = "none", _("None stated ('-')")
        MISSING = "missing", _("No budget cell printed")
        # The block prints budget cells, but which row each belongs to cannot be read.
        UNATTRIBUTED = (
            "unattributed",
            _("A budget cell printed nearby, not attributable to this row"),
        )
        AMOUNT = "amount", _("Amount stated")

    class Evidence(models.TextChoices):
        DOCUMENT = "D", _("Quotes the document")
        SECONDARY = "S", _("Secondary summary")
        REMARKS = "R", _("Official remarks")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="items")
    ref = models.CharField(max_length=64)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_items"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    term = models.CharField(max_length=16, choices=Term.choices, default=Term.UNKNOWN)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    timeline_as_written = models.CharField(max_length=255, blank=True)

    budget_kind = models.CharField(max_length=16, choices=BudgetKind.choices)
    budget_as_written = models.CharField(max_length=255, blank=True)
    budget_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(max_length=3, default="PKR")
    budget_determined_by = models.ManyToManyField(
        Agency, blank=True, related_name="budgets_to_determine"
    )

    priorities = models.ManyToManyField(Priority, blank=True, related_name="items")
    evidence = models.CharField(max_length=1, choices=Evidence.choices, blank=True)
    source_urls = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    # Line ranges holding the text when the extraction split it around other cells.
    text_lines = models.JSONField(default=list, blank=True)
    # Refs of items that share one printed set of cells with this one (NISP rows 27 and 28).
    shares_cells_with = models.JSONField(default=list, blank=True)
    # Records added by hand (not loaded from fixtures/) say who added them and on what basis.
    entered_by = models.ForeignKey(
        "agencies.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entered_items",
    )
    authority = models.TextField(
        blank=True,
        help_text="For a record added by hand: the document, decision or source it rests on.",
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated for benchmarks; never part of a real plan."
    )
    # Who may read it; only the secretary changes it (services.item_sensitivity_set), with a
    # reason kept as the history record's change reason. No source marks sensitivity.
    sensitivity = models.CharField(
        _("sensitivity"),
        max_length=16,
        choices=Sensitivity.choices,
        default=Sensitivity.OFFICIAL,
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "ref"],
                name="interventions_planitem_unique_ref",
                violation_error_message="An item reference is unique within its policy.",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="interventions_planitem_budget_not_negative",
                violation_error_message="A budget amount cannot be negative.",
            ),
        ]
        indexes = [
            # The item list and API filter by term and sync by updated_at.
            models.Index(fields=["term"], name="planitem_term_idx"),
            models.Index(fields=["updated_at"], name="planitem_updated_at_idx"),
            # The public pages list the public items.
            models.Index(fields=["sensitivity"], name="planitem_sensitivity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.ref}"

    @property
    def parent_ref(self) -> str | None:
        return self.parent.ref if self.parent_id else None

    @property
    def has_lead(self) -> bool:
        """Whether a lead is recorded; reads prefetched responsibilities when there are some."""
        return any(r.role == Responsibility.Role.LEAD for r in self.responsibilities.all())


class Responsibility(models.Model):
    """An agency answerable for an item, with the source's own wording of the cell."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORTING = "supporting", _("Supporting")
        # Coordinates the policy's items without owning them (NACTA for NAP, 004 lines 662-664).
        COORDINATOR = "coordinator", _("Coordinator")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="responsibilities")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(max_length=16, choices=Role.choices)
    as_written = models.CharField(max_length=255)
    via_group = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_responsibilities",
        help_text="The group wording (e.g. Federal and Provincial Govts.) this agency was named "
        "through.",
    )
    # Set when the committee secretary assigned this owner; null when the source names it. The
    # loader never removes an assigned responsibility.
    assignment = models.OneToOneField(
        "OwnerAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibility",
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "agency"],
                name="interventions_responsibility_unique_agency",
                violation_error_message="An agency is listed once per item.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.agency.code} ({self.role})"


class ItemGrant(models.Model):
    """The secretary lets one person read a restricted item outside its agencies."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey("agencies.User", on_delete=models.CASCADE, related_name="item_grants")
    granted_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="item_grants_given"
    )
    granted_at = models.DateTimeField()
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"],
                name="interventions_itemgrant_unique_user",
                violation_error_message="This person already holds a grant on this item.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="interventions_itemgrant_has_reason",
                violation_error_message="A grant states its reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} read by {self.user}"


class Indicator(models.Model):
    """A measure of progress on an item; unit, baseline and target are filled in by people."""

    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        TEXT = "text", _("Description")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="indicators")
    description = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)
    measure = models.CharField(
        max_length=8,
        choices=Measure.choices,
        default=Measure.TEXT,
        help_text="Whether officers report a number or a description for this indicator.",
    )
    unit = models.CharField(max_length=64, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "description"],
                name="interventions_indicator_unique_description",
                violation_error_message="An item lists each indicator once.",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class ContextNote(SourceReference):
    """A dated observation on an item from a study, e.g. the PIPS 2017 brief on a NAP point."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="context_notes")
    date = models.DateField(null=True, blank=True)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "position"]

    def __str__(self) -> str:
        return f"{self.item} note {self.position}"


class ItemLink(SourceReference):
    """A commitment carried from one policy into another: the crosswalk."""

    class Relation(models.TextChoices):
        CONTINUES = "continues", _("Continues")
        OVERLAPS = "overlaps", _("Overlaps")
        SUPERSEDES = "supersedes", _("Supersedes")

    from_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="links_out")
    to_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    rationale = models.TextField()
    # Why the link is weak; blank when the wording of both items supports it.
    uncertain_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["from_item", "to_item"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_item", "to_item"],
                name="interventions_itemlink_unique_pair",
                violation_error_message="Two items are linked once.",
            ),
            models.CheckConstraint(
                condition=~Q(from_item=models.F("to_item")),
                name="interventions_itemlink_not_self",
                violation_error_message="An item cannot be linked to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_item} {self.relation} {self.to_item}"


class PolicyLink(SourceReference):
    """An item a source says was carried into another policy where no item there matches it."""

    from_item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="policy_links_out"
    )
    to_policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="policy_links_in")
    rationale = models.TextField()

    class Meta:
        ordering = ["from_item", "to_policy"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_item", "to_policy"],
                name="interventions_policylink_unique_pair",
                violation_error_message="An item is linked to a policy once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_item} carried into {self.to_policy}"


class OwnerAssignment(models.Model):
    """The committee secretary's decision giving an item an owner the source does not name."""

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="owner_assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owner_assignments")
    role = models.CharField(max_length=16, choices=Responsibility.Role.choices)
    assigned_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="owner_assignments"
    )
    assigned_at = models.DateTimeField()
    authority = models.TextField(
        help_text="The decision it rests on: a meeting's minutes, a notification, with its date."
    )

    class Meta:
        ordering = ["item", "assigned_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(authority=""),
                name="interventions_ownerassignment_has_authority",
                violation_error_message="An owner assignment names the authority it rests on.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.agency.code} ({self.role}) by {self.assigned_by}"


class Committee(SourceReference):
    """A body that oversees a policy's implementation (NISP section J, apex committees)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="committees")
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    role = models.TextField(blank=True)
    cadence = models.CharField(max_length=16, choices=Cadence.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["policy", "code"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A seat on a committee, as the source lists it (`Secretary Interior`)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    as_written = models.CharField(max_length=255)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="committee_seats"
    )
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "as_written"],
                name="interventions_committeemember_unique_seat",
                violation_error_message="A seat is listed once per committee.",
            ),
        ]

    def __str__(self) -> str:
        return self.as_written


# --- the plan's baselines: what the committee sets, on record --------------------------------


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


# Which values a change sets, by scope: an item's own, or one of its indicators'.
ITEM_PLAN_FIELDS = ("due_date", "allocation")
INDICATOR_PLAN_FIELDS = ("unit", "baseline", "baseline_date", "target", "target_date", "direction")


class PlanValues(models.Model):
    """The values a baseline holds: an item's due date and allocation, or an indicator's unit,
    baseline, target and direction. Blank means not set."""

    due_date = models.DateField(null=True, blank=True)
    allocation = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Money allocated to the item (PKR); the sources state no amounts.",
    )
    unit = models.CharField(max_length=64, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="Demo data from seed_demo, never a committee decision."
    )

    class Meta:
        abstract = True


class ChangeRequest(PlanValues):
    """A proposed change to an item's or an indicator's baseline, with its reason; the
    committee secretary approves it (which records a BaselineRevision) or rejects it.

    `changes` names the fields the request sets; the others are left as in force.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="change_requests")
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    changes = models.JSONField(default=list)
    reason = models.TextField()
    authority = models.CharField(
        max_length=255,
        blank=True,
        help_text="The decision it rests on, e.g. 'Advisory Committee meeting 2027Q1, decision 4'.",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    proposed_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="proposed_changes"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        "agencies.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_changes",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # Requests made together (the secretary's bulk due dates) share a batch.
    batch = models.UUIDField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allocation__isnull=True) | Q(allocation__gte=0),
                name="interventions_changerequest_allocation_not_negative",
                violation_error_message="An allocation cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="interventions_changerequest_decided_when_not_pending",
                violation_error_message="A decided request records when it was decided.",
            ),
        ]
        indexes = [
            # The secretary's queue lists pending requests, oldest first.
            models.Index(fields=["state", "proposed_at"], name="changerequest_state_idx"),
        ]

    def __str__(self) -> str:
        scope = f" indicator {self.indicator_id}" if self.indicator_id else ""
        return f"Change to {self.item}{scope} ({self.state})"


class BaselineRevision(PlanValues):
    """The baseline of an item (indicator blank) or of one of its indicators as the committee
    set it: every value in force from `in_force_from`, until the next revision.

    Revisions are never edited or deleted; the source's own values stay on PlanItem and
    Indicator as loaded, so the original and every revision remain visible.
    """

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="revisions")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    number = models.PositiveIntegerField(help_text="1 is the first baselining, then 2, 3 …")
    in_force_from = models.DateField()
    reason = models.TextField()
    authority = models.CharField(max_length=255)
    change_request = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="revision"
    )
    proposed_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="proposed_revisions"
    )
    approved_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="approved_revisions"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "indicator", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"],
                condition=Q(indicator__isnull=True),
                name="interventions_baselinerevision_unique_item_number",
                violation_error_message="An item's revisions are numbered once each.",
            ),
            models.UniqueConstraint(
                fields=["indicator", "number"],
                condition=Q(indicator__isnull=False),
                name="interventions_baselinerevision_unique_indicator_number",
                violation_error_message="An indicator's revisions are numbered once each.",
            ),
            models.CheckConstraint(
                condition=Q(allocation__isnull=True) | Q(allocation__gte=0),
                name="interventions_baselinerevision_allocation_not_negative",
                violation_error_message="An allocation cannot be negative.",
            ),
        ]
        indexes = [
            # "The plan as of a day" reads the latest revision per item in force by then.
            models.Index(fields=["item", "in_force_from"], name="baselinerevision_asof_idx"),
        ]

    def __str__(self) -> str:
        scope = f" indicator {self.indicator_id}" if self.indicator_id else ""
        return f"{self.item}{scope} revision {self.number}"
