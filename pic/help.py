"""In-app help: a guide for applicants (public, in the visitor's language) and guides for
coordinators and the PIC Coordinator (staff pages). The pages are templates; the links they
show are reversed here so a renamed URL breaks a test, not a reader."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from facilities.access import Capability, staff_required


def _links() -> dict[str, str]:
    return {
        "directory": reverse("facilities:directory"),
        "account": reverse("applications:home"),
    }


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", _links())


@login_not_required
@require_GET
def applying(request: HttpRequest) -> HttpResponse:
    return render(request, "help/applying.html", _links())


@require_GET
@staff_required(Capability.VIEW)
def coordinators(request: HttpRequest) -> HttpResponse:
    return render(request, "help/coordinators.html", {"queue": reverse("staff:home")})


@require_GET
@staff_required(Capability.PROGRAM)
def statewide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "help/statewide.html",
        {"statewide": reverse("staff:statewide"), "reports": reverse("reports:overview")},
    )
