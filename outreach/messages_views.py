"""Messages to volunteers: a facility's messages, writing one (with a preview of who receives
it), its sending progress; and the volunteer's copies under /account/messages/."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from applications.access import applicant_required
from applications.services import person_for_login
from facilities.access import Capability, facility_required
from facilities.models import Facility
from outreach import messages as M
from outreach.messages_forms import MessageForm
from outreach.models import Message

COMPOSE = "outreach/message_compose.html"


def _compose(
    request: HttpRequest, facility: Facility, form: MessageForm, **extra: Any
) -> HttpResponse:
    sent = Message.objects.filter(facility=facility).select_related(
        "session__course", "organization"
    )
    context = {"facility": facility, "form": form, "sent": sent, **extra}
    return render(request, COMPOSE, {**context, "error_links": form.error_links()})


def _preview(
    request: HttpRequest, facility: Facility, form: MessageForm, notice: str = ""
) -> HttpResponse:
    group = {k: form.cleaned_data[k] for k in ("audience", "session", "organization")}
    people = list(M.recipients(facility=facility, **group))
    return _compose(
        request,
        facility,
        form,
        preview=people,
        digest=M.recipients_digest(people),
        unreachable=M.without_email(facility=facility, **group),
        notice=notice,
    )


@require_http_methods(["GET", "POST"])
@facility_required(Capability.RECORD)
def messages(request: HttpRequest, facility: Facility) -> HttpResponse:
    if request.method == "GET":
        return _compose(request, facility, MessageForm(facility=facility))
    form = MessageForm(request.POST, facility=facility)
    if not form.is_valid():
        return _compose(request, facility, form)
    if "send" not in request.POST:
        return _preview(request, facility, form)
    try:
        message = M.send_message(
            facility=facility,
            digest=request.POST.get("digest", ""),
            by=request.user,
            **form.cleaned_data,
        )
    except M.MessageError as exc:
        return _preview(request, facility, form, notice=str(exc))
    return redirect("outreach_messages:message", facility.code, message.pk)


@require_GET
@facility_required(Capability.RECORD)
def message_detail(request: HttpRequest, facility: Facility, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.visible_to(request.user, Capability.RECORD).select_related("facility"),
        pk=message_id,
        facility=facility,
    )
    template = "outreach/message_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, f"{template}#progress", {"message": message})
    context = {"facility": facility, "message": message, "recipients": message.recipients.all()}
    return render(request, template, context)


@applicant_required
@require_GET
def my_messages(request: HttpRequest) -> HttpResponse:
    person = person_for_login(user=request.user)  # type: ignore[arg-type]
    return render(request, "outreach/portal_messages.html", {"copies": M.received_by(person)})


@applicant_required
@require_GET
def my_message(request: HttpRequest, recipient_id: int) -> HttpResponse:
    person = person_for_login(user=request.user)  # type: ignore[arg-type]
    copy = get_object_or_404(M.received_by(person), pk=recipient_id)
    return render(request, "outreach/portal_message.html", {"copy": copy})
