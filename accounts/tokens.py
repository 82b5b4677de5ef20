"""One-time sign-in tokens: the primitives. Applications' sign-in views use them.

A token is random; only its SHA-256 is stored. It is valid 15 minutes and used up once, by
the POST of the sign-in page (a GET never spends it, so mail scanners cannot).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import SignInToken, normalize_email

TOKEN_LIFETIME = timedelta(minutes=15)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, email: str, next_url: str = "") -> str:
    """Store a new token for `email` and return its raw value (to put in the link)."""
    raw = secrets.token_urlsafe(32)
    SignInToken.objects.create(
        email=normalize_email(email),
        token_hash=_digest(raw),
        expires_at=timezone.now() + TOKEN_LIFETIME,
        next_url=next_url[:500],
    )
    return raw


def peek_token(raw: str) -> SignInToken | None:
    """The usable token for `raw` without spending it (for the GET of the sign-in page)."""
    token = SignInToken.objects.filter(token_hash=_digest(raw)).first()
    if token is None or not token.is_usable():
        return None
    return token


@transaction.atomic
def redeem_token(raw: str) -> SignInToken | None:
    """Spend the token for `raw`; None when unknown, expired or already used."""
    token = SignInToken.objects.select_for_update().filter(token_hash=_digest(raw)).first()
    if token is None or not token.is_usable():
        return None
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token
