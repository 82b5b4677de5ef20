from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from audit.context import client_ip

SIGN_IN_LIMIT = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60


class StaffAuthenticationForm(AuthenticationForm):
    """Staff sign-in by e-mail and password, slowed down after repeated failures."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match a staff account."),
        "rate_limited": _(
            "Too many failed sign-ins. Wait 15 minutes and try again, or reset your password."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request) if self.request else ""
        subjects = [("staff_sign_in_email", email), ("staff_sign_in_ip", ip or "")]
        if any(ratelimit.is_limited(s, v, limit=SIGN_IN_LIMIT) for s, v in subjects if v):
            # authenticate() is never reached once limited, so Django sends no failure
            # signal; send it here so every refused attempt reaches the audit log.
            user_login_failed.send(
                sender=type(self),
                credentials={"username": email},
                request=self.request,
                reason="rate_limited",
            )
            raise forms.ValidationError(self.error_messages["rate_limited"], code="rate_limited")
        try:
            return super().clean()
        except forms.ValidationError:
            for scope, subject in subjects:
                if subject:
                    ratelimit.hit(scope, subject, window_seconds=SIGN_IN_WINDOW_SECONDS)
            raise


class StaffPasswordResetForm(PasswordResetForm):
    """Only staff accounts (a usable password) get a reset link; applicants never do, since
    an account with a password can no longer sign in by e-mailed link."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
