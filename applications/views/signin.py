"""The applicant's sign-in by e-mailed link (no password)."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import tokens
from accounts.languages import remember_language, rendered_language
from applications.forms import EmailSignInForm
from applications.services import SignInRefused, request_sign_in_link, sign_in_with_token


def _safe_next(request: HttpRequest, url: str) -> str:
    if (
        url
        and "\x00" not in url  # PostgreSQL cannot store it; no real address has it
        and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    ):
        return url
    return reverse("applications:home")


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = EmailSignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        try:
            request_sign_in_link(
                email=form.cleaned_data["email"],
                next_url=_safe_next(request, next_url),
                link_base=request.build_absolute_uri(reverse("applications:sign_in")),
            )
        except SignInRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("applications:sign_in_sent")
    return render(request, "applications/sign_in.html", {"form": form, "next": next_url})


@login_not_required
@require_GET
def sign_in_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/sign_in_sent.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and spends nothing (mail scanners follow links); POST signs in."""
    if request.method == "GET":
        usable = tokens.peek_token(token) is not None
        return render(
            request,
            "applications/sign_in_confirm.html",
            {"usable": usable},
            status=200 if usable else 410,
        )
    try:
        user, next_url, language = sign_in_with_token(
            raw=token, language=translation.get_language()
        )
    except SignInRefused as exc:
        return render(
            request,
            "applications/sign_in_confirm.html",
            {"usable": False, "refusal": str(exc)},
            status=410,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The stored preference wins over the browser's: the message and every page after are
    # in the language the person chose (the cookie carries it on).
    translation.activate(rendered_language(language))
    messages.success(request, _("You are signed in."))
    response = redirect(_safe_next(request, next_url))
    remember_language(response, translation.get_language())
    return response


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("home")
