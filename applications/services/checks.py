"""Completeness, flags and reference numbers: what submission and answers need."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from applications import age
from applications import sections as S
from applications.forms import REQUIRED_DOCUMENTS, AcknowledgementsForm
from applications.models import (
    AccessLevel,
    Application,
    Channel,
    DocumentKind,
    ReferenceCounter,
)
from applications.services.drafts import pending_data

# Completeness and flags -----------------------------------------------------------------


def section_problems(
    application: Application, slug: str, *, document_kinds: set[str] | None = None
) -> list[str]:
    """Why a section is not ready to submit (empty when it is). `document_kinds`: the kinds
    of the application's documents, when the caller has read them already."""
    if pending_data(application, slug):
        return [_("Some answers here need correcting.")]
    sect = S.section(application.kind, slug)
    assert sect is not None
    problems: list[str] = []
    form_class = sect.form_class(application.kind)
    if slug == S.ACKNOWLEDGEMENTS:
        return _signature_problems(application)
    if form_class is not None:
        values = S.section_values(application, slug)
        if slug == S.IDENTITY:
            values = {**values, "ssn": "", "dl_number": ""}
        elif slug not in application.answers:
            return [_("Not answered yet.")]
        form = form_class(data=S.to_form_data(form_class, values), kind=application.kind)
        if slug == S.IDENTITY and application.channel == Channel.PAPER:
            form.fields["email"].required = False  # a paper applicant may have no e-mail
        if not form.is_valid():
            problems += [
                f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
                if name in form.fields
                else " ".join(str(e) for e in errors)
                for name, errors in form.errors.items()
            ]
    answers = application.answers.get(slug, {})
    history_missing = (
        slug == S.CRIMINAL_HISTORY
        and answers.get("has_record") == "yes"
        and not application.criminal_history_entries.exists()
    )
    if history_missing:
        problems.append(_("List each arrest, charge or conviction."))
    relations_missing = (
        slug == S.RELATIONSHIPS
        and answers.get("has_relationships") == "yes"
        and not application.relationships.exists()
    )
    if relations_missing:
        problems.append(_("List each person under supervision you know."))
    if slug == S.DOCUMENTS:
        present = _document_kinds(application) if document_kinds is None else document_kinds
        for kind in REQUIRED_DOCUMENTS.get(application.kind, []):
            if kind not in present:
                problems.append(
                    _("Upload the %(document)s.")
                    % {"document": str(DocumentKind(kind).label).lower()}
                )
    return problems


def _document_kinds(application: Application) -> set[str]:
    return set(application.documents.values_list("kind", flat=True))


def _signature_problems(application: Application) -> list[str]:
    """Signed, by the name now in section 1, and again for an open information request."""
    signed = application.answers.get(S.ACKNOWLEDGEMENTS)
    if not signed:
        return [_("Not signed yet.")]
    request = application.open_information_request
    if request is not None and signed.get("for_request") != request.pk:
        return [_("Sign again: tick the statements and type your name for this answer.")]
    form = AcknowledgementsForm(
        data=S.to_form_data(AcknowledgementsForm, signed), person=application.person
    )
    if not form.is_valid():
        return [" ".join(str(e) for errors in form.errors.values() for e in errors)]
    return []


def completeness(application: Application, slugs: list[str] | None = None) -> dict[str, list[str]]:
    """Problems per section slug; an empty dict means ready."""
    result = {}
    for slug in slugs or S.SLUGS:
        problems = section_problems(application, slug)
        if problems:
            result[slug] = problems
    return result


COMPLETE = "complete"
NEEDS_ATTENTION = "needs_attention"
NOT_STARTED = "not_started"
OPTIONAL = "optional"  # supporting documents when none is required and none was uploaded


def _started(application: Application, slug: str, document_kinds: set[str]) -> bool:
    if pending_data(application, slug):
        return True
    if slug == S.IDENTITY:
        return bool(application.person.first_name or application.person.last_name)
    if slug == S.DOCUMENTS:
        return bool(document_kinds)
    return slug in application.answers


def section_states(application: Application) -> dict[str, str]:
    """Per section slug: complete, needs attention (started, with problems), not started
    (or optional), for the side navigation."""
    states = {}
    kinds = _document_kinds(application)  # one read for both questions about documents
    for slug in S.SLUGS:
        problems = section_problems(application, slug, document_kinds=kinds)
        started = _started(application, slug, kinds)
        if started:
            states[slug] = NEEDS_ATTENTION if problems else COMPLETE
        elif slug == S.DOCUMENTS and not problems:
            states[slug] = OPTIONAL
        else:
            states[slug] = NOT_STARTED
    return states


def contact_eligibility_notice(application: Application, on: date) -> date | None:
    """The date contact eligibility begins, when contact is requested by someone under 19."""
    born = application.person.date_of_birth
    if application.access_level_requested != AccessLevel.CONTACT or born is None:
        return None
    if age.age_on(born, on) >= age.CONTACT_AGE:
        return None
    return age.date_reaching(born, age.CONTACT_AGE)


@dataclass(frozen=True)
class AgeNotice:
    """What the applicant is told about age (DESIGN rule 1), as one message: under 18, the
    date from which they may submit (and contact's date, if asked); else, contact's date."""

    may_submit_from: date | None
    contact_from: date | None


def age_notice(application: Application, on: date) -> AgeNotice | None:
    born = application.person.date_of_birth
    if born is None:
        return None
    contact_from = contact_eligibility_notice(application, on)
    may_submit_from = None
    if age.age_on(born, on) < age.VOLUNTEER_AGE:
        may_submit_from = age.date_reaching(born, age.VOLUNTEER_AGE)
    if may_submit_from is None and contact_from is None:
        return None
    return AgeNotice(may_submit_from=may_submit_from, contact_from=contact_from)


def compute_flags(application: Application, on: date) -> None:
    history = application.answers.get(S.CRIMINAL_HISTORY, {})
    application.flag_contact_under_19 = contact_eligibility_notice(application, on) is not None
    application.flag_relationship_conflict = application.relationships.filter(
        facility=application.facility
    ).exists()
    application.flag_criminal_history = history.get("has_record") == "yes"
    application.flag_pending_or_supervision = "yes" in (
        history.get("pending_charges"),
        history.get("on_supervision"),
    )


def next_reference(year: int) -> str:
    """PIC-<year>-<6 digits>: sequential per year, never reused; the counter row is locked."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PIC-{year}-{counter.last:06d}"
