"""The custom User: e-mail is the sign-in name.

A staff account has a usable password and signs in at /staff/login/; an applicant account
has none and signs in only through an e-mailed link.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

# Django's own salt: at version 0 the hash is exactly Django's, so the sessions opened before
# the version existed stayed valid when it was added.
_SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class PicUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user_object(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> "User":
        email = normalize_email(email or username or "")
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(
        self, username: Any, email: str | None, password: str | None, **extra: Any
    ) -> "User":
        user = self._create_user_object(username, email, password, **extra)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=normalize_email(username or ""))


def normalize_email(email: str) -> str:
    return email.strip().lower()


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Part of every session's auth hash (below): raising it signs the user out of every
    # session at once, whatever the session backend (accounts.sessions.end_all_sessions).
    session_version = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[PicUserManager] = PicUserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_staff_account(self) -> bool:
        """A staff account is any account with a usable password (DESIGN: People)."""
        return self.has_usable_password()

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    # Django stores this hash in the session at sign-in and compares it on every request
    # (AuthenticationMiddleware, through auth.get_user): a mismatch flushes the session. It
    # covers the password hash, so any change of password ends the other sessions, and the
    # session version, so end_all_sessions() can end them without one.
    def get_session_auth_hash(self) -> str:
        return self._versioned_session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._versioned_session_hash(secret=secret)

    def _versioned_session_hash(self, *, secret: str | bytes | None) -> str:
        value = (
            self.password if not self.session_version else f"{self.password}:{self.session_version}"
        )
        return salted_hmac(_SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()


class SignInToken(models.Model):
    """A one-time e-mailed sign-in link; only the hash of its secret is kept."""

    email = models.EmailField(db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    next_url = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sign-in link for {self.email}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at
