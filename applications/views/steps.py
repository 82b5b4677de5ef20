"""The multi-step form: one page per numbered section; every button saves the draft."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import age
from applications import sections as S
from applications.access import applicant_required
from applications.crypto import normalize_identifier
from applications.forms import DocumentUploadForm, IdentityForm
from applications.models import Application, Status
from applications.services import (
    ApplicationError,
    add_document,
    age_notice,
    editable_sections,
    remove_document,
    save_pending,
    save_section,
    section_states,
)
from applications.views.portal import applicant_application
from applications.wizard import StepForms, bind


def _after_save(application: Application, slug: str, action: str) -> HttpResponse:
    """Where each button goes once the answers are kept."""
    previous, following = S.neighbours(application.kind, slug)
    if action == "back" and previous:
        return redirect("applications:section", application.public_id, previous)
    if action == "add":
        return redirect("applications:section", application.public_id, slug)
    if action == "exit":
        return redirect("applications:detail", application.public_id)
    if application.status != Status.DRAFT:
        return redirect("applications:answer", application.public_id)
    if following:
        return redirect("applications:section", application.public_id, following)
    return redirect("applications:review", application.public_id)


def _editable(request: HttpRequest, public_id: str, slug: str) -> Application:
    application = applicant_application(request, public_id)
    if S.section(application.kind, slug) is None:
        raise Http404("No such section.")
    return application


def _nav(application: Application) -> list[tuple[S.Section, str]]:
    """Each section with its state (complete, needs attention, not started), for the nav."""
    states = section_states(application)
    return [(sect, states[sect.slug]) for sect in S.sections_for(application.kind)]


def _render_step(request: HttpRequest, application: Application, step: StepForms) -> HttpResponse:
    previous, _following = S.neighbours(application.kind, step.section.slug)
    context = {
        "application": application,
        "step": step,
        "nav": _nav(application),
        "editable": editable_sections(application),
        "previous": previous,
        "age_notice": age_notice(application, age.today()),
        "today": age.today(),
    }
    return render(request, "applications/section.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, public_id: str, slug: str) -> HttpResponse:
    application = _editable(request, public_id, slug)
    if slug not in editable_sections(application):
        messages.info(request, _("This part of the application cannot be changed now."))
        return redirect("applications:detail", application.public_id)
    if slug == S.DOCUMENTS:
        return documents(request, application)
    action = request.POST.get("action", "continue")
    step = bind(application, slug, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if step.is_valid():
            save_section(
                application=application,
                slug=slug,
                cleaned=step.form.cleaned_data,
                entries=step.entries if step.formset is not None else None,
                by=request.user,
            )
            return _after_save(application, slug, action)
        step = _keep_pending(request, application, step)
        if action in ("back", "exit"):
            messages.warning(request, _("Your answers were kept; some still need correcting."))
            return _after_save(application, slug, action)
    return _render_step(request, application, step)


def _keep_pending(request: HttpRequest, application: Application, step: StepForms) -> StepForms:
    """Keep what did not validate; section 1 then says which identifiers are now held."""
    save_pending(
        application=application,
        slug=step.section.slug,
        raw=dict(request.POST.lists()),
        identifiers=step.typed_identifiers(),
    )
    application.refresh_from_db(fields=["answers"])  # the nav then shows what was kept
    if isinstance(step.form, IdentityForm):
        typed = step.typed_identifiers()
        step.form.describe_identifiers({k: normalize_identifier(v)[-4:] for k, v in typed.items()})
    return step


def documents(request: HttpRequest, application: Application) -> HttpResponse:
    form = DocumentUploadForm(request.POST or None, request.FILES or None, kind=application.kind)
    action = request.POST.get("action", "upload")
    if request.method == "POST" and action != "upload":
        return _after_save(application, S.DOCUMENTS, action)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        add_document(
            application=application,
            kind=form.cleaned_data["kind_of_document"],
            upload=upload,
            content_type=upload.sniffed_content_type,
            by=request.user,
        )
        messages.success(request, _("The document was uploaded."))
        return redirect("applications:section", application.public_id, S.DOCUMENTS)
    context = {
        "application": application,
        "form": form,
        "documents": application.documents.all(),
        "nav": _nav(application),
        "editable": editable_sections(application),
        "section": S.section(application.kind, S.DOCUMENTS),
        "problems": [],
    }
    return render(request, "applications/documents.html", context)


@applicant_required
@require_POST
def remove_document_view(request: HttpRequest, public_id: str, document_id: str) -> HttpResponse:
    application = applicant_application(request, public_id)
    document = get_object_or_404(application.documents, public_id=document_id)
    try:
        remove_document(document=document, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was removed."))
    return redirect("applications:section", application.public_id, S.DOCUMENTS)
