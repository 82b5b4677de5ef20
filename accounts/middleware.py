"""Staff session limits and the second sign-in step, for every request of a staff account.

- Idle: a staff session ends `PIC_STAFF_IDLE_MINUTES` after its last request.
- Absolute: it ends `PIC_STAFF_SESSION_HOURS` after sign-in, however busy.
- Two-step: with `PIC_REQUIRE_MFA` on, every staff and admin page sends a session that has
  not passed the second step to it (or to enrolment). Views marked `mfa_exempt` (the step
  itself) and those open to anonymous visitors (sign-in, password reset) are let through.
"""

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import mfa

SIGNED_IN_AT = "pic_signed_in_at"
LAST_SEEN_AT = "pic_last_seen_at"
# Write the last-seen time at most this often: a save per request would cost a write per
# page for nothing the idle limit needs.
LAST_SEEN_RESOLUTION = 60
GUARDED_PREFIXES = ("/staff/", "/admin/")


V = TypeVar("V", bound=Callable[..., Any])


def now() -> float:
    """Seconds since the epoch (one name for tests to move forward)."""
    return time.time()


def start_clocks(request: HttpRequest) -> None:
    """A sign-in starts its session's idle and absolute clocks afresh."""
    moment = now()
    request.session[SIGNED_IN_AT] = moment
    request.session[LAST_SEEN_AT] = moment


def mark_active(request: HttpRequest) -> None:
    """The person is here ("Stay signed in"): restart the idle clock now."""
    request.session[LAST_SEEN_AT] = now()


def mfa_exempt(view: V) -> V:
    """Mark a view a session may reach before passing the second step."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


def mfa_redirect(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('staff:mfa')}?{query}")


def _ended(request: HttpRequest, moment: float) -> str | None:
    session = request.session
    signed_in = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN_AT)
    if signed_in is not None and moment - signed_in > settings.PIC_STAFF_SESSION_HOURS * 3600:
        return _("You were signed out %(hours)s hours after signing in. Sign in again.") % {
            "hours": settings.PIC_STAFF_SESSION_HOURS
        }
    if last_seen is not None and moment - last_seen > settings.PIC_STAFF_IDLE_MINUTES * 60:
        return _("You were signed out after %(minutes)s minutes without activity.") % {
            "minutes": settings.PIC_STAFF_IDLE_MINUTES
        }
    return None


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not mfa.applies_to(request.user):
            return self._after(request, self.get_response(request))
        moment = now()
        ended = _ended(request, moment)
        if ended is not None:
            logout(request)
            messages.info(request, ended)
            return HttpResponseRedirect(
                f"{reverse('staff:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        session = request.session
        session.setdefault(SIGNED_IN_AT, moment)
        if moment - session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_AT] = moment
        return self._after(request, self.get_response(request))

    @staticmethod
    def _after(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # A sign-in in this request starts the clocks of the session it made.
        user = getattr(request, "user", None)
        if user is not None and mfa.applies_to(user) and SIGNED_IN_AT not in request.session:
            start_clocks(request)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith(GUARDED_PREFIXES) or not mfa.is_pending(request):
            return None
        if getattr(view, "mfa_exempt", False) or not getattr(view, "login_required", True):
            return None
        return mfa_redirect(request)
