from datetime import datetime
from typing import Any, NoReturn

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from audit.context import client_ip

TOKEN_INPUT = {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}


class StaffAuthenticationForm(AuthenticationForm):
    """Staff sign-in by e-mail and password. django-axes locks an account from one address
    after repeated failures (its backend and middleware); this form adds the slower
    per-account limit."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match a staff account."),
        "account_locked": _(
            "This account is locked after too many failed sign-ins. Try again after "
            "%(time)s, or ask the PIC Coordinator to unlock it."
        ),
        "address_locked": _(
            "Too many failed sign-ins came from this network. Try again after %(time)s, or "
            "ask the PIC Coordinator to unlock it."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        ip = (client_ip(self.request) if self.request else None) or ""
        for code, until in (
            ("account_locked", lockout.account_locked_until(email)),
            ("address_locked", lockout.address_locked_until(ip)),
        ):
            if until is not None:
                self._refuse(email, code, until)
        return super().clean()

    def _refuse(self, email: str, code: str, until: datetime) -> NoReturn:
        # authenticate() is never reached, so Django sends no failure signal; send it here
        # so every refused attempt reaches the audit log.
        user_login_failed.send(
            sender=type(self), credentials={"username": email}, request=self.request, reason=code
        )
        raise forms.ValidationError(
            self.error_messages[code],
            code=code,
            params={"time": date_format(timezone.localtime(until), "DATETIME_FORMAT")},
        )


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app, or a backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={**TOKEN_INPUT, "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        return "".join(str(self.cleaned_data["token"]).split()).lower()


class StaffPasswordResetForm(PasswordResetForm):
    """Only staff accounts (a usable password) get a reset link; applicants never do, since
    an account with a password can no longer sign in by e-mailed link."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
