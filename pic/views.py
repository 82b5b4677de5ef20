"""Project-level pages: the home page, the health check, and the bench's ceiling view."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
@require_GET
def bench_ceiling(request: HttpRequest) -> HttpResponse:
    """The yardstick of `make bench` (routed only when PIC_BENCH=1): a small template through
    the whole middleware stack and no query of its own, so every page's time is read as a
    multiple of what bare Django costs on the same machine in the same run."""
    return render(request, "bench_ceiling.html")
