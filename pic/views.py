"""Project-level pages: the home page, the health check, security.txt, the language
switcher and the bench's ceiling view."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
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
    """The load balancer's and the monitor's check. 503 only when the database does not
    answer (this server cannot serve); a stale task queue or daily sweep is "degraded" with
    200, because the web server itself still works and taking it out of the pool would not
    help: the monitor alerts on the status field."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks = {"database": "ok", **_queue_check(), **_sweep_check()}
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    stale = checks["tasks"] != "ok" or checks["sweep"] != "ok"
    return JsonResponse({"status": "degraded" if stale else "ok", **checks})


def _queue_check() -> dict[str, Any]:
    """How long the oldest task that is due has waited: a stopped worker shows here."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    age = int((now - oldest).total_seconds()) if oldest else 0
    late = age > settings.PIC_HEALTH_QUEUE_MAX_AGE
    return {"tasks": "late" if late else "ok", "oldest_task_seconds": age}


def _sweep_check() -> dict[str, Any]:
    """The daily sweep ran yesterday or today (Missouri dates)."""
    from applications.age import today
    from volunteers.models import SweepRun

    last = SweepRun.objects.order_by("-day").values_list("day", flat=True).first()
    if last is None:
        return {"sweep": "never", "last_sweep": None}
    fresh = last >= today() - timedelta(days=1)
    return {"sweep": "ok" if fresh else "late", "last_sweep": last.isoformat()}


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an expired or stale page: say so plainly, in the site's layout."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability (SECURITY.md). The contact is a deployment
    setting; without one the file says so rather than inventing an address."""
    contact = settings.PIC_SECURITY_CONTACT
    if not contact:
        return HttpResponse(
            "# No security contact is configured (PIC_SECURITY_CONTACT).\n",
            content_type="text/plain; charset=utf-8",
            status=404,
        )
    if "@" in contact and not contact.startswith(("mailto:", "https:")):
        contact = f"mailto:{contact}"
    expires = (timezone.now() + timedelta(days=365)).strftime("%Y-%m-%dT00:00:00Z")
    canonical = request.build_absolute_uri("/.well-known/security.txt")
    body = (
        f"Contact: {contact}\nExpires: {expires}\nPreferred-Languages: en, es\n"
        f"Canonical: {canonical}\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@login_not_required
@require_GET
def bench_ceiling(request: HttpRequest) -> HttpResponse:
    """The yardstick of `make bench` (routed only when PIC_BENCH=1): a small template through
    the whole middleware stack and no query of its own, so every page's time is read as a
    multiple of what bare Django costs on the same machine in the same run."""
    return render(request, "bench_ceiling.html")


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
