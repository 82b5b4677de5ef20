from base64 import b32encode
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.forms import StaffAuthenticationForm, TokenForm
from accounts.middleware import mfa_exempt, start_clocks

NEW_CODES = "pic_mfa_new_codes"


@method_decorator(login_not_required, name="dispatch")
class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/staff_login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # Django's login() gives a new session key
        start_clocks(self.request)
        if mfa.is_required():
            return _to("staff:mfa", self.get_success_url())
        return response


staff_login = StaffLoginView.as_view()
staff_logout = login_not_required(auth_views.LogoutView.as_view())


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else reverse("staff:home")


def _to(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _staff_only(request: HttpRequest) -> None:
    if not mfa.applies_to(request.user):
        raise PermissionDenied(_("This page is for staff accounts."))


@mfa_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app, or a backup code."""
    _staff_only(request)
    if mfa.is_verified(request):
        return HttpResponseRedirect(_next(request))
    if not mfa.has_authenticator(request.user):
        return _to("staff:mfa_setup", _next(request))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if mfa.verify(request=request, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next(request))
        form.add_error("token", _("That code did not work. Wait for a new one and try again."))
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/mfa_verify.html", context)


@mfa_exempt
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment at the first sign-in: scan the QR code, confirm one code, get backup codes."""
    _staff_only(request)
    if mfa.has_authenticator(request.user):
        return _to("staff:mfa", _next(request))
    device = mfa.pending_authenticator(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        codes = mfa.confirm_authenticator(request=request, token=form.cleaned_data["token"])
        if codes is not None:
            request.session[NEW_CODES] = codes
            return _to("staff:mfa_codes", _next(request))
        form.add_error("token", _("That code did not work. Check the app and try again."))
    context = {"form": form, "qr": mfa.qr_svg(device), "secret": _spaced(device)}
    context["next"] = _next(request)
    return render(request, "accounts/mfa_setup.html", context)


def _spaced(device: TOTPDevice) -> str:
    """The secret for typing into an app that cannot scan, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest) -> HttpResponse:
    """Backup codes: shown once, right after they are made; new ones on request."""
    _staff_only(request)
    if request.method == "POST":
        request.session[NEW_CODES] = mfa.new_backup_codes(user=request.user)
        messages.success(request, _("New backup codes were made; the old ones no longer work."))
        return _to("staff:mfa_codes", _next(request))
    context = {
        "codes": request.session.pop(NEW_CODES, None),
        "left": mfa.backup_codes_left(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/mfa_codes.html", context)
