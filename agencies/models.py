"""The registry of responsible bodies, and the people who report for them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import SourceReference


class Province(models.TextChoices):
    PUNJAB = "PUNJAB", _("Punjab")
    SINDH = "SINDH", _("Sindh")
    KP = "KP", _("Khyber Pakhtunkhwa")
    BALOCHISTAN = "BALOCHISTAN", _("Balochistan")
    GB = "GB", _("Gilgit-Baltistan")
    AJK = "AJK", _("Azad Jammu and Kashmir")
    ICT = "ICT", _("Islamabad Capital Territory")


class AgencyQuerySet(models.QuerySet):
    def bodies(self) -> AgencyQuerySet:
        """Real bodies, without the group wordings such as 'All Home Departments'."""
        return self.exclude(kind=Agency.Kind.GROUP)


class Agency(SourceReference):
    """A body named as responsible in a policy: a ministry, an agency, a department, a group."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DIVISION = "division", _("Division")
        AGENCY = "agency", _("Agency")
        REGULATOR = "regulator", _("Regulator")
        POLICE = "police", _("Police")
        CTD = "ctd", _("Counter Terrorism Department")
        HOME_DEPARTMENT = "home_department", _("Home Department")
        PROVINCIAL_GOVERNMENT = "provincial_government", _("Provincial or regional government")
        DEPARTMENT = "department", _("Department")
        COURT = "court", _("Court")
        COMMISSION = "commission", _("Commission")
        COMMITTEE = "committee", _("Committee")
        GROUP = "group", _("Group of bodies")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        PROVINCIAL = "provincial", _("Provincial")

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Blank where the sources do not say whether a body is federal or provincial.
    level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    province = models.CharField(max_length=16, choices=Province.choices, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groups",
        help_text="For a group wording: the bodies it stands for.",
    )
    note = models.TextField(blank=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Generated for benchmarks (make_scale_data); not a real body."
    )
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9-]*$"),
                name="agencies_agency_code_uppercase",
                violation_error_message="Agency codes are upper-case letters, digits and dashes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class AgencyAlias(models.Model):
    """A spelling of an agency's name as it appears in a source (`MoI`, `M/o Interior`)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=255)
    # Lower-cased, whitespace-folded: what resolution looks up.
    normalized = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "agency aliases"

    def __str__(self) -> str:
        return self.alias


class User(AbstractUser):
    """A person using the tracker; desk officers and reviewers belong to an agency."""

    class Role(models.TextChoices):
        DESK_OFFICER = "desk_officer", _("Desk officer")
        AGENCY_REVIEWER = "agency_reviewer", _("Agency reviewer")
        COMMITTEE_MEMBER = "committee_member", _("Committee member")
        COMMITTEE_SECRETARY = "committee_secretary", _("Committee secretary")
        ADMINISTRATOR = "administrator", _("Administrator")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    # The interface and e-mail language this person chose; empty until they choose one (the
    # browser's language applies meanwhile, and e-mail goes in English).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    # The other agencies this person may report for (their own agency always counts); granted
    # by an administrator or the committee secretary (agencies.services.acts_for_grant).
    acts_for = models.ManyToManyField(
        Agency,
        through="ActsFor",
        through_fields=("user", "agency"),
        blank=True,
        related_name="acting_users",
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["desk_officer", "agency_reviewer"])
                | Q(agency__isnull=False),
                name="agencies_user_agency_roles_have_agency",
                violation_error_message=(
                    "Desk officers and agency reviewers must belong to an agency."
                ),
            ),
        ]


class ActsFor(models.Model):
    """A grant: this person may report for this agency as well as their own. Who granted it,
    when and why is kept here, and every change of it in its history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acts_for_grants"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="acts_for_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acts_for_granted",
    )
    granted_at = models.DateTimeField()
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__code"]
        verbose_name = "reports also for"
        verbose_name_plural = "reports also for"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"],
                name="agencies_actsfor_one_grant_per_agency",
                violation_error_message="This person already reports for that agency.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="agencies_actsfor_reason_given",
                violation_error_message="Say why this person reports for that agency.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} reports for {self.agency.code}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key a REST client presents as `Authorization: Token <key>`.

    Only the key's SHA-256 is stored: the key itself is shown once, when it is created. Keys are
    long random strings, so an unsalted fast hash is enough (nothing to guess from a dictionary).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'PMO dashboard'."
    )
    # The key's first characters, shown so people can tell their tokens apart.
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
