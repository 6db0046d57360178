"""Writes to the agency registry and its people: API tokens, sign-in lockouts, languages,
and who reports for which agencies besides their own (acts_for)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import ActsFor, Agency, ApiToken, User
from core.data_version import data_version_bump

log = logging.getLogger(__name__)

# --- API tokens ----------------------------------------------------------------------------

TOKEN_PREFIX_LENGTH = 8
# How stale last_used_at may get: refreshing it on every request would cost a write per call.
TOKEN_LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str, read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token for the user and its key, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Name the token after what will use it.")]})
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            {"name": [_("Keep the name to %(limit)s characters.") % {"limit": max_length}]}
        )
    key = secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=api_token_hash(key),
        read_only=read_only,
    )
    return token, key


def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied(_("People revoke only their own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_mark_used(token: ApiToken) -> None:
    """Record that the token was used, at most once per TOKEN_LAST_USED_RESOLUTION."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- sign-in lockouts (django-axes records the failures; these clear them) -------------------


def _is_secretary_or_administrator(user: User) -> bool:
    return user.is_superuser or user.role in (
        User.Role.COMMITTEE_SECRETARY,
        User.Role.ADMINISTRATOR,
    )


def can_unlock_sign_ins(user: User) -> bool:
    """The committee secretary and administrators unlock accounts and addresses."""
    return _is_secretary_or_administrator(user)


def sign_in_lockout_clear(*, by: User, username: str = "", ip_address: str = "") -> int:
    """Forget the failed sign-ins of an account or an address, unlocking it; returns how many
    records were removed. Logged with who cleared what (axes keeps no history of its own)."""
    if not can_unlock_sign_ins(by):
        raise PermissionDenied(
            _("Only the committee secretary or an administrator unlocks sign-ins.")
        )
    if bool(username) == bool(ip_address):
        raise ValidationError(_("Name either an account or an address to unlock."))
    removed = reset(username=username or None, ip=ip_address or None)
    log.warning(
        "Sign-in lockout cleared by %s (user %s): %s",
        by.username,
        by.pk,
        f"account {username}" if username else f"address {ip_address}",
    )
    return removed


# --- Preferences ---------------------------------------------------------------------------


def user_language_set(*, user: User, language: str) -> User:
    """Save the language a person reads the tracker and its e-mail in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose English or Urdu.")]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        log.info("user %s chose language %s", user.pk, language)
    return user


# --- Reporting for other agencies (acts_for) ------------------------------------------------

# Only the people who report for an agency can be given another agency to report for.
REPORTING_ROLES = (User.Role.DESK_OFFICER, User.Role.AGENCY_REVIEWER)


def can_grant_acts_for(user: User) -> bool:
    """Administrators and the committee secretary say who reports for which agencies."""
    return _is_secretary_or_administrator(user)


def _acts_for_checks(*, by: User, reason: str) -> str:
    if not can_grant_acts_for(by):
        raise PermissionDenied(
            _("Only an administrator or the committee secretary decides who reports for an agency.")
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this person reports for that agency.")]})
    return reason


def acts_for_check(*, by: User, user: User, agency: Agency, reason: str) -> str:
    """Every rule a new grant must pass, without writing (the admin's form asks it before it
    saves anything); returns the reason as it will be recorded."""
    reason = _acts_for_checks(by=by, reason=reason)
    if user.role not in REPORTING_ROLES:
        raise ValidationError(
            {"user": [_("Only desk officers and agency reviewers report for agencies.")]}
        )
    if agency.pk == user.agency_id:
        raise ValidationError(
            {
                "agency": [
                    _("%(agency)s is this person's own agency: they report for it already.")
                    % {"agency": agency.code}
                ]
            }
        )
    if agency.kind == Agency.Kind.GROUP:
        raise ValidationError(
            {
                "agency": [
                    _("%(agency)s is a group wording, not a body: grant its member bodies.")
                    % {"agency": agency.code}
                ]
            }
        )
    if user.pk is not None and ActsFor.objects.filter(user=user, agency=agency).exists():
        raise ValidationError(
            {
                "agency": [
                    _("%(person)s already reports for %(agency)s.")
                    % {"person": user.username, "agency": agency.code}
                ]
            }
        )
    return reason


@transaction.atomic
def acts_for_grant(*, by: User, user: User, agency: Agency, reason: str) -> ActsFor:
    """Let `user` report for `agency` as well as their own; recorded with who, when and why."""
    reason = acts_for_check(by=by, user=user, agency=agency, reason=reason)
    grant = ActsFor(user=user, agency=agency, granted_by=by, granted_at=timezone.now(),
                    reason=reason)  # fmt: skip
    grant._change_reason = reason
    grant._history_user = by
    grant.save()
    # Whoever reports for an agency reads its restricted items: what pages cached per reader show.
    data_version_bump()
    log.info("user %s may report for %s (granted by %s)", user.pk, agency.code, by.pk)
    return grant


@transaction.atomic
def acts_for_revoke(*, by: User, user: User, agency: Agency, reason: str) -> None:
    """Stop `user` reporting for `agency`; the history keeps the grant and why it ended."""
    reason = _acts_for_checks(by=by, reason=reason)
    grant = ActsFor.objects.filter(user=user, agency=agency).first()
    if grant is None:
        raise ValidationError(
            {
                "agency": [
                    _("%(person)s does not report for %(agency)s.")
                    % {"person": user.username, "agency": agency.code}
                ]
            }
        )
    grant._change_reason = reason
    grant._history_user = by
    grant.delete()
    data_version_bump()
    log.info("user %s no longer reports for %s (by %s)", user.pk, agency.code, by.pk)
