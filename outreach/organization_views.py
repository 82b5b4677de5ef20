"""The partner-organization registry's staff pages: the list, one organization with its
representatives and their standing at each facility, and the PIC Coordinator's verify and
merge. Here rather than in partners/ because representatives are applications and grants.

Scoping: a coordinator sees an organization only through a representative at one of their
facilities (others are a 404, as for a person), and only those representatives; the PIC
Coordinator sees the whole registry."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from applications.models import Application, ApplicationQuerySet
from facilities.access import Capability, is_pic_coordinator, staff_required
from partners.models import Organization, OrganizationQuerySet, OrganizationStatus
from partners.services import OrganizationError, merge_organization, verify_organization


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"),
        queryset=Organization.objects.choosable(),
        to_field_name="public_id",
    )


def _representatives(request: HttpRequest) -> ApplicationQuerySet:
    return Application.objects.visible_to(request.user, Capability.VIEW).filter(
        organization__isnull=False
    )


def _visible_organizations(request: HttpRequest) -> OrganizationQuerySet:
    if is_pic_coordinator(request.user):
        return Organization.objects.all()
    ids = _representatives(request).values("organization_id")
    # A merged organization's representatives also stand for the one it went into.
    return Organization.objects.filter(pk__in=ids) | Organization.objects.filter(
        merged_from__in=ids
    )


@require_GET
@staff_required(Capability.VIEW)
def organization_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    found = _visible_organizations(request).distinct().search(text).select_related("verified_by")
    if status in OrganizationStatus.values:
        found = found.filter(status=status)
    context = {
        "organizations": found.order_by("normalized_name", "pk"),
        "q": text,
        "status": status,
        "statuses": OrganizationStatus.choices,
    }
    return render(request, "outreach/organization_list.html", context)


def _organization(request: HttpRequest, public_id: str) -> Organization:
    found = _visible_organizations(request).distinct().select_related("merged_into", "verified_by")
    return get_object_or_404(found, public_id=public_id)


@require_GET
@staff_required(Capability.VIEW)
def organization_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    organization = _organization(request, public_id)
    family = [organization.pk, *organization.merged_from.values_list("pk", flat=True)]
    representatives = (
        _representatives(request)
        .filter(organization__in=family)
        .select_related("person", "facility", "grant")
        .order_by("person__last_name", "person__first_name", "facility__name")
    )
    context = {
        "organization": organization,
        "representatives": representatives,
        "merged_from": organization.merged_from.all(),
        "can_program": is_pic_coordinator(request.user),
        "merge_form": MergeForm(),
    }
    return render(request, "outreach/organization_detail.html", context)


@require_POST
@staff_required(Capability.PROGRAM)
def verify(request: HttpRequest, public_id: str) -> HttpResponse:
    organization = _organization(request, public_id)
    try:
        verify_organization(organization=organization, by=request.user)
    except OrganizationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The organization is verified."))
    return redirect("organizations:detail", organization.public_id)


@require_POST
@staff_required(Capability.PROGRAM)
def merge(request: HttpRequest, public_id: str) -> HttpResponse:
    organization = _organization(request, public_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the organization to merge into."))
        return redirect("organizations:detail", organization.public_id)
    try:
        merge_organization(
            organization=organization, into=form.cleaned_data["into"], by=request.user
        )
    except OrganizationError as exc:
        messages.error(request, str(exc))
        return redirect("organizations:detail", organization.public_id)
    messages.success(request, _("The organization was merged."))
    return redirect("organizations:detail", form.cleaned_data["into"].public_id)
