from collections.abc import Callable

from django.conf import settings
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
