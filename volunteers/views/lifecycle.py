"""The access lifecycle's small forms on the access page (suspend, restore, end, revoke,
renew, change level, background re-checks) and the roster's bulk moves. Each view: one
guard, one form, one service call."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilities.access import Capability, facility_required, has_capability
from facilities.models import Facility
from volunteers import lifecycle_forms as L
from volunteers import services
from volunteers.models import AccessCheck, FacilityAccess
from volunteers.views.access import _act, _grant
from volunteers.views.roster import ROSTER_STATUSES, roster_page


@require_POST
@facility_required(Capability.DECIDE)
def suspend(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "suspend",
        L.SuspendForm(request.POST),
        lambda d: services.suspend_access(grant=grant, by=request.user, **d),
        _("Suspended; the volunteer is told by e-mail."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def restore(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "restore",
        L.RestoreForm(request.POST),
        lambda d: services.restore_access(grant=grant, by=request.user, **d),
        _("Restored."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def end(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    form = L.EndForm(request.POST, has_badge=bool(grant.badge_number))
    return _act(
        request,
        grant,
        "end",
        form,
        lambda d: services.end_access(grant=grant, by=request.user, **d),
        _("Ended; the grant stays as history."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def revoke(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    can_ban = has_capability(request.user, Capability.PROGRAM)
    form = L.RevokeForm(request.POST, has_badge=bool(grant.badge_number), can_ban=can_ban)
    return _act(
        request,
        grant,
        "revoke",
        form,
        lambda d: services.revoke_access(grant=grant, by=request.user, **d),
        _("Revoked."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def renew(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "renew",
        L.RenewForm(request.POST),
        lambda d: services.renew_access(grant=grant, by=request.user),
        _("Renewed."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def change_level(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "level",
        L.LevelForm(request.POST),
        lambda d: services.change_level(grant=grant, by=request.user, **d),
        _("Level changed."),
    )


@require_POST
@facility_required(Capability.RECORD)
def recheck(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "recheck",
        L.RecheckForm(request.POST),
        lambda d: services.record_recheck(grant=grant, by=request.user, **d),
        _("Background check recorded."),
    )


def _check(grant: FacilityAccess, check_id: int) -> AccessCheck:
    return get_object_or_404(AccessCheck, access=grant, pk=check_id)


@require_POST
@facility_required(Capability.RECORD)
def rerun(request: HttpRequest, facility: Facility, grant_id: int, check_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    earlier = _check(grant, check_id)
    form = L.RerunForm(request.POST, id_for=earlier.pk)
    return _act(
        request,
        grant,
        "rerun",
        form,
        lambda d: services.rerun_recheck(grant=grant, earlier=earlier, by=request.user, **d),
        _("Re-run recorded; the earlier check is kept, marked superseded."),
        rerun_of=earlier.pk,
    )


@require_POST
@facility_required(Capability.RECORD)
def void(request: HttpRequest, facility: Facility, grant_id: int, check_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    check = _check(grant, check_id)
    return _act(
        request,
        grant,
        "void",
        L.VoidForm(request.POST, id_for=check.pk),
        lambda d: services.void_recheck(grant=grant, check=check, by=request.user, **d),
        _("Check voided; it stays on record, marked void."),
        void_of=check.pk,
    )


# Bulk on the roster ------------------------------------------------------------------------


def _bulk_move(request: HttpRequest, data: dict[str, Any]) -> Any:
    action = data["action"]
    if action == "suspend":
        return lambda g: services.suspend_access(
            grant=g, by=request.user, reason=data["reason"], review_on=data["review_on"]
        )
    if action == "end":
        return lambda g: services.end_access(
            grant=g,
            by=request.user,
            exit_note=data["reason"],
            badge_returned=data["badge_returned"],
            badge_returned_on=data["badge_returned_on"],
        )
    return lambda g: services.renew_access(grant=g, by=request.user)


@require_POST
@facility_required(Capability.DECIDE)
def bulk(request: HttpRequest, facility: Facility) -> HttpResponse:
    """Suspend, end or renew the selected grants, each checked and reported on its own."""
    grants = list(
        FacilityAccess.objects.visible_to(request.user, Capability.DECIDE)
        .filter(facility=facility, status__in=ROSTER_STATUSES)
        .select_related("person", "facility")
        .order_by("person__last_name", "person__first_name")
    )
    form = L.BulkForm(request.POST, grants=grants)
    if not form.is_valid():
        messages.error(request, _("That could not be done: see the form marked below."))
        return roster_page(request, facility, bulk_form=form, status=400)
    chosen = set(form.cleaned_data["grants"])
    rows = services.bulk_move(
        grants=[g for g in grants if str(g.pk) in chosen],
        move=_bulk_move(request, form.cleaned_data),
    )
    context = {"facility": facility, "rows": rows, "action": form.cleaned_data["action"]}
    return render(request, "volunteers/bulk_results.html", context)
