"""Keying in a signed paper application: every section on one page, submitted at once."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import sections as S
from applications.models import Kind, Person
from applications.services import ApplicationError, Incomplete
from applications.wizard import StepForms, build_step
from facilities.access import Capability, facility_required
from facilities.models import Facility
from screening.forms import PaperDetailsForm
from screening.services import enter_paper_application

PAPER_SECTIONS = [slug for slug in S.SLUGS if slug != S.DOCUMENTS]


def _steps(kind: str, data: Any) -> list[StepForms]:
    identity = build_step(kind, S.IDENTITY, data, prefix=S.IDENTITY)
    # A paper applicant may have no e-mail: staff tell them by post or phone.
    identity.form.fields["email"].required = False
    signer = None
    if identity.form.is_bound and identity.form.is_valid():
        signer = Person(
            **{
                k: identity.form.cleaned_data.get(k, "")
                for k in ("first_name", "middle_name", "last_name", "suffix")
            }
        )
    return [identity] + [
        build_step(kind, slug, data, prefix=slug, person=signer) for slug in PAPER_SECTIONS[1:]
    ]


ENTRY_TOKEN_SECONDS = 6 * 60 * 60


def _token_key(token: str) -> str:
    return f"paper-entry:{token[:64]}"


def _already_entered(token: str) -> HttpResponse | None:
    """A form sent twice (a double click, a reload) keys in one application, not two."""
    if cache.add(_token_key(token), "", ENTRY_TOKEN_SECONDS):
        return None
    reference = cache.get(_token_key(token))
    if reference:
        return redirect("staff:application", reference)
    return HttpResponse(
        _("This paper application is being saved. Open the queue in a moment."), status=409
    )


@require_http_methods(["GET", "POST"])
@facility_required(Capability.RECORD)
def paper_application(request: HttpRequest, facility: Facility) -> HttpResponse:
    kind = request.GET.get("kind") or request.POST.get("kind")
    if kind not in Kind.values:
        return render(request, "screening/paper_choose.html", {"facility": facility})
    data = request.POST if request.method == "POST" else None
    steps = _steps(kind, data)
    details = PaperDetailsForm(data, request.FILES or None, kind=kind)
    token = request.POST.get("entry_token") or uuid.uuid4().hex
    if request.method == "POST":
        valid = [step.is_valid() for step in steps]
        if all(valid) and details.is_valid():
            done = _already_entered(token)
            if done is not None:
                return done
            try:
                application = enter_paper_application(
                    by=request.user,
                    facility=facility,
                    kind=kind,
                    sections={
                        step.section.slug: (
                            step.form.cleaned_data,
                            step.entries if step.formset is not None else None,
                        )
                        for step in steps
                    },
                    scan=details.cleaned_data["scan"],
                    scan_content_type=details.cleaned_data["scan"].sniffed_content_type,
                    signed_on=details.cleaned_data["signed_on"],
                    school_letter=details.cleaned_data.get("school_letter"),
                )
            except Incomplete as exc:
                details.add_error(None, "; ".join(p for ps in exc.problems.values() for p in ps))
            except ApplicationError as exc:
                details.add_error(None, str(exc))
            else:
                cache.set(_token_key(token), application.reference, ENTRY_TOKEN_SECONDS)
                messages.success(
                    request,
                    _("Paper application %(reference)s entered and submitted.")
                    % {"reference": application.reference},
                )
                return redirect("staff:application", application.reference)
            cache.delete(_token_key(token))
    context = {
        "entry_token": token,
        "facility": facility,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "steps": steps,
        "details": details,
        "error_links": [link for step in steps for link in step.error_links()]
        + [("", str(e)) for e in details.non_field_errors()]
        + [
            (details[n].auto_id, f"{details.fields[n].label}: {e}")
            for n, errs in details.errors.items()
            if n in details.fields
            for e in errs
        ],
    }
    return render(request, "screening/paper_application.html", context)
