"""Writes to the agency registry and its people: API tokens."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import ApiToken, User

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
        raise ValidationError({"name": ["Name the token after what will use it."]})
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError({"name": [f"Keep the name to {max_length} characters."]})
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
        raise PermissionDenied("People revoke only their own tokens.")
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


def can_unlock_sign_ins(user: User) -> bool:
    """The committee secretary and administrators unlock accounts and addresses."""
    return user.is_superuser or user.role in (
        User.Role.COMMITTEE_SECRETARY,
        User.Role.ADMINISTRATOR,
    )


def sign_in_lockout_clear(*, by: User, username: str = "", ip_address: str = "") -> int:
    """Forget the failed sign-ins of an account or an address, unlocking it; returns how many
    records were removed. Logged with who cleared what (axes keeps no history of its own)."""
    if not can_unlock_sign_ins(by):
        raise PermissionDenied("Only the committee secretary or an administrator unlocks sign-ins.")
    if bool(username) == bool(ip_address):
        raise ValidationError("Name either an account or an address to unlock.")
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
