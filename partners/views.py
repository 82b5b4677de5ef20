"""The applicant's search-as-you-type over the registry (the options of the select)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners.models import Organization, OrganizationKind

SEARCH_LIMIT = 30


@login_not_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Public on purpose: the registry's names are what a visitor may choose from anyway."""
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in OrganizationKind.values]
    text = request.GET.get("organization_q", "")[:100]
    found = Organization.objects.choosable(kinds).search(text).only("public_id", "name", "city")
    return render(request, "partners/search_options.html", {"organizations": found[:SEARCH_LIMIT]})
