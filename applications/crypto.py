"""Identifiers (SSN, driver licence number) encrypted at rest, with a keyed hash for matching.

MultiFernet over the keys in PIC_FIELD_ENCRYPTION_KEYS (newest first: it encrypts, all of
them decrypt, so keys rotate without a migration); HMAC-SHA256 under PIC_IDENTIFIER_HASH_KEY
(its own key) for exact matching without decrypting.
"""

import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_current", "rotate"]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


@cache
def _newest(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet(tuple(settings.PIC_FIELD_ENCRYPTION_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet(tuple(settings.PIC_FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether `token` is already encrypted with the newest key (the first one)."""
    try:
        _newest(settings.PIC_FIELD_ENCRYPTION_KEYS[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """Re-encrypt `token` with the newest key; InvalidToken when no key opens it."""
    return _fernet(tuple(settings.PIC_FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def normalize_identifier(value: str) -> str:
    """Letters and digits only, upper case: "123-45-6789" and "123 45 6789" match."""
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def identifier_hash(kind: str, value: str) -> str:
    """A keyed hash of a normalized identifier; `kind` keeps SSNs and licences apart."""
    normalized = normalize_identifier(value)
    if not normalized:
        return ""
    key = settings.PIC_IDENTIFIER_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, visible: int = 4) -> str:
    normalized = normalize_identifier(value)
    if not normalized:
        return ""
    return "•" * max(len(normalized) - visible, 3) + normalized[-visible:]
