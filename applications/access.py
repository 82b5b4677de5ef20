"""The applicant's guard: /account/ pages are for people signed in by e-mailed link."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def applicant_required(view: View) -> View:
    """Signed-out visitors go to the e-mail sign-in; staff accounts get 403 (never applicants)."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("applications:sign_in"))
        if user.has_usable_password():
            raise PermissionDenied("Applicant pages are for applicants.")
        return view(request, *args, **kwargs)

    wrapped.applicant_guard = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
