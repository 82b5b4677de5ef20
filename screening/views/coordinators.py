"""The PIC Coordinator assigns and removes coordinators at a facility."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.services import ApplicationError
from facilities.access import Capability, facility_required
from facilities.models import Facility
from facilities.services import remove_coordinator
from screening.forms import CoordinatorForm
from screening.services import add_coordinator


@require_http_methods(["GET", "POST"])
@facility_required(Capability.PROGRAM)
def coordinators(request: HttpRequest, facility: Facility) -> HttpResponse:
    form = CoordinatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = add_coordinator(by=request.user, facility=facility, **form.cleaned_data)
        except (ApplicationError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(who)s is now a coordinator here.") % {"who": user})
            return redirect("staff:coordinators", facility.code)
    memberships = facility.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "screening/coordinators.html",
        {"facility": facility, "form": form, "memberships": memberships},
    )


@require_POST
@facility_required(Capability.PROGRAM)
def remove(request: HttpRequest, facility: Facility, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(facility.memberships, pk=membership_id)
    remove_coordinator(by=request.user, membership=membership)
    messages.success(
        request, _("%(who)s is no longer a coordinator here.") % {"who": membership.user}
    )
    return redirect("staff:coordinators", facility.code)
