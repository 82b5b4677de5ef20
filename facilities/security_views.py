"""The PIC Coordinator's sign-in security pages (two-step resets, sign-in locks) and the
idle-timeout warning's "Stay signed in"."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout, mfa
from accounts.middleware import mark_active
from accounts.models import User
from facilities.access import Capability, staff_required
from facilities.forms import UnlockForm


def _staff_accounts() -> QuerySet[User]:
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    # An unusable password starts with "!" (Django's marker): those are applicants.
    return (
        User.objects.exclude(password__startswith="!")  # noqa: S106
        .annotate(has_authenticator=Exists(confirmed))
        .order_by("email")
    )


@require_GET
@staff_required(Capability.PROGRAM)
def two_step(request: HttpRequest) -> HttpResponse:
    """Every staff account and whether it has set up two-step verification."""
    return render(request, "facilities/security_two_step.html", {"accounts": _staff_accounts()})


@require_POST
@staff_required(Capability.PROGRAM)
def two_step_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_object_or_404(_staff_accounts(), pk=user_id)
    if account.pk == request.user.pk:
        messages.error(request, _("Another PIC Coordinator must reset your own two-step."))
        return redirect("staff:two_step")
    mfa.reset_devices(user=account, by=request.user)
    messages.success(
        request,
        _(
            "Two-step verification was reset for %(email)s: they set it up again at their "
            "next sign-in."
        )
        % {"email": account.email},
    )
    return redirect("staff:two_step")


@require_GET
@staff_required(Capability.PROGRAM)
def lockouts(request: HttpRequest) -> HttpResponse:
    """Sign-ins locked now: an account from one address, or the account from anywhere."""
    return render(request, "facilities/security_lockouts.html", {"locks": lockout.locks()})


@require_POST
@staff_required(Capability.PROGRAM)
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a lock from the list to lift."))
        return redirect("staff:lockouts")
    email, ip = form.cleaned_data["email"], form.cleaned_data["ip"] or ""
    lockout.unlock(email=email, ip=ip, by=request.user)
    messages.success(request, _("%(email)s can sign in again.") % {"email": email})
    return redirect("staff:lockouts")


@require_POST
@staff_required(Capability.VIEW)
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """Restart the idle clock; the page's script posts here, a plain form post comes back."""
    mark_active(request)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    wanted = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        wanted = "/staff/"
    return HttpResponseRedirect(wanted)
