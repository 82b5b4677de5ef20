import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.defaults import page_not_found

from accounts.languages import rendered_language


class RejectNulMiddleware:
    """No address holds a NUL character: answer 404 before it reaches a query (PostgreSQL
    refuses NUL in text and would make it a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return page_not_found(request, Http404("No such page."))
        return self.get_response(request)


# Staff pages are written for staff in English: the Spanish catalogue covers what applicants
# and volunteers read, so a staff page in Spanish would be half English under `lang="es"`.
ENGLISH_ONLY_PREFIXES = ("/staff/", "/admin/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, but a language the project has no catalogue for falls back to English, so
    the page never declares `lang="es"` (or shows Spanish dates) around English text; and
    staff pages are always English."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        language = rendered_language(translation.get_language())
        if request.path.startswith(ENGLISH_ONLY_PREFIXES):
            language = settings.LANGUAGE_CODE
        if language != translation.get_language():
            translation.activate(language)
        request.LANGUAGE_CODE = language


PRIVATE_PREFIXES = ("/staff/", "/account/", "/admin/", "/dev/")


class NoStoreMiddleware:
    """Pages that show personal data must not stay in a shared computer's browser cache or a
    proxy: every page for a signed-in user, and every staff, applicant and admin page
    (sign-in forms included), says `Cache-Control: private, no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(PRIVATE_PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
        return response


request_log = logging.getLogger("pic.request")


class RequestLogMiddleware:
    """One JSON line per request: method, the matched route, status, milliseconds and the
    user's id. The route is the URL pattern (`account/sign-in/<str:token>/`), not the
    address: addresses carry sign-in tokens, kiosk keys and search terms, and no personal
    data belongs in a log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request_log.isEnabledFor(logging.INFO):
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            line = {
                "method": request.method,
                "route": "/" + match.route if match is not None else None,
                "view": match.view_name if match is not None else None,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.pk if user is not None and user.is_authenticated else None,
            }
            request_log.info(json.dumps(line, separators=(",", ":")))
        return response


class BenchQueryCountMiddleware:
    """`make bench` only (PIC_BENCH=1, first in the stack): the number of SQL queries the
    request ran, on every database alias, in an X-Bench-Queries header, so the bench reads
    each page's count from the very server it times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute: Callable[..., Any], *args: Any) -> Any:
            nonlocal count
            count += 1
            return execute(*args)

        with contextlib.ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counted))
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
