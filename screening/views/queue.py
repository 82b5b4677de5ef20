from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from applications import age
from applications.models import Application
from facilities.access import Capability, facilities_for, staff_required
from facilities.http import HtmxHttpRequest
from facilities.models import ProgramSettings
from screening.forms import QueueFilterForm
from screening.queries import with_statewide_flags

PAGE_SIZE = 25
# Large columns a queue row never shows: the answers JSON alone is most of a row's bytes.
LIST_DEFERRED = (
    "answers",
    "person__ssn_encrypted",
    "person__dl_number_encrypted",
    "person__search_text",
    "person__phone",  # parsed as each row loads
    "person__emergency_contact_phone",
    "facility__public_notes",
    "facility__phone",
)


@require_GET
@staff_required(Capability.VIEW)
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """The open applications of the user's facilities, oldest first."""
    facilities = facilities_for(request.user, Capability.VIEW)
    form = QueueFilterForm(request.GET or None, facilities=facilities)
    applications = form.filter(
        with_statewide_flags(
            Application.objects.visible_to(request.user, Capability.VIEW)
            .select_related("person", "facility")
            .defer(*LIST_DEFERRED)
        )
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": age.today(),
        "target_days": ProgramSettings.load().screening_target_days,
        "facilities": facilities.order_by("name")[:50],
    }
    template = "screening/queue.html#results" if request.htmx else "screening/queue.html"
    return render(request, template, context)
