"""The staff person page: identity (masked), applications and access here, statewide facts,
and the PIC Coordinator's ban, lift and merge."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import Person, PossibleDuplicate
from applications.services import ApplicationError
from facilities.access import Capability, is_pic_coordinator, staff_required
from screening import forms as F
from screening import services
from screening.queries import applications_of, statewide_facts
from screening.views.common import staff_person
from volunteers.models import Ban, FacilityAccess


def _context(request: HttpRequest, person: Person, **bound: Any) -> dict[str, Any]:
    flags = PossibleDuplicate.objects.open().involving(person).select_related("person", "other")
    pairs = [(flag, flag.other if flag.person_id == person.pk else flag.person) for flag in flags]
    # A coordinator sees only statewide facts of people beyond their facilities: the other
    # record is named only when it is visible to them; the rest is a count.
    if not is_pic_coordinator(request.user):
        visible = set(
            Person.objects.visible_to(request.user, Capability.VIEW)
            .filter(pk__in=[other.pk for _flag, other in pairs])
            .values_list("pk", flat=True)
        )
        hidden = sum(1 for _flag, other in pairs if other.pk not in visible)
        pairs = [(flag, other) for flag, other in pairs if other.pk in visible]
    else:
        hidden = 0
    return {
        "person": person,
        "applications": applications_of(person, request.user),
        "grants": FacilityAccess.objects.visible_to(request.user, Capability.VIEW)
        .filter(person=person)
        .select_related("facility"),
        "elsewhere": statewide_facts(person, request.user),
        "ban": services.standing_ban(person),
        "past_bans": Ban.objects.filter(person=person, lifted_at__isnull=False),
        "duplicates": pairs,
        "hidden_duplicates": hidden,
        "is_pic": is_pic_coordinator(request.user),
        "ban_form": bound.get("ban_form") or F.BanForm(),
        "lift_form": bound.get("lift_form") or F.LiftBanForm(),
    }


@require_GET
@staff_required(Capability.VIEW)
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    person = staff_person(request, public_id)
    return render(request, "screening/person_detail.html", _context(request, person))


def _program_person(request: HttpRequest, public_id: str) -> Person:
    person = staff_person(request, public_id)
    if not is_pic_coordinator(request.user):
        raise PermissionDenied("Only the PIC Coordinator may do this.")
    return person


@require_POST
@staff_required(Capability.PROGRAM)
def ban(request: HttpRequest, public_id: str) -> HttpResponse:
    person = _program_person(request, public_id)
    form = F.BanForm(request.POST)
    if form.is_valid():
        try:
            services.ban_person(person=person, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc))
            # The page shows the lift form while a ban stands: say it where it is seen.
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The statewide ban is in place."))
            return redirect("staff:person", person.public_id)
    return render(request, "screening/person_detail.html", _context(request, person, ban_form=form))


@require_POST
@staff_required(Capability.PROGRAM)
def lift_ban(request: HttpRequest, public_id: str) -> HttpResponse:
    person = _program_person(request, public_id)
    form = F.LiftBanForm(request.POST)
    standing = services.standing_ban(person)
    if form.is_valid() and standing is not None:
        try:
            services.lift_ban(ban=standing, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:  # lifted by someone else a moment ago
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The ban was lifted."))
        return redirect("staff:person", person.public_id)
    if standing is None:
        form.add_error(None, _("There is no ban to lift."))
        # The page shows the ban form when no ban stands: say it where it is seen.
        messages.error(request, _("There is no ban to lift."))
    return render(
        request, "screening/person_detail.html", _context(request, person, lift_form=form)
    )


def _flag(person: Person, flag_id: int) -> PossibleDuplicate:
    return get_object_or_404(
        PossibleDuplicate.objects.open().filter(Q(person=person) | Q(other=person)), pk=flag_id
    )


@require_POST
@staff_required(Capability.PROGRAM)
def merge(request: HttpRequest, public_id: str, flag_id: int) -> HttpResponse:
    """Merge the other person of a possible-duplicate flag into this one."""
    person = _program_person(request, public_id)
    flag = _flag(person, flag_id)
    other = flag.other if flag.person_id == person.pk else flag.person
    try:
        kept = services.merge_people(keep=person, merge=other, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("staff:person", person.public_id)
    messages.success(request, _("The two records are now one."))
    return redirect("staff:person", kept.public_id)


@require_POST
@staff_required(Capability.PROGRAM)
def dismiss_duplicate(request: HttpRequest, public_id: str, flag_id: int) -> HttpResponse:
    person = _program_person(request, public_id)
    services.dismiss_duplicate(flag=_flag(person, flag_id), by=request.user)
    messages.success(request, _("Marked as two different people."))
    return redirect("staff:person", person.public_id)
