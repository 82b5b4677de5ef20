"""Project-level pages: the home page, the health check and the language switcher."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applications.models import Language, Person
from applications.services import set_preferred_language


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an expired or stale page: say so plainly, in the site's layout."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: Django's `set_language` (the cookie, and back to the
    page it was pressed on when `next` is one of ours); a signed-in applicant's choice also
    becomes their stored preference, applied at their next sign-in and to their mail."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if not request.user.is_authenticated or language not in Language.values:
        return response
    person = Person.objects.filter(user=request.user).first()
    if person is not None:
        set_preferred_language(person=person, language=language, by=request.user)
    return response
