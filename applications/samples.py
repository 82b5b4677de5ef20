"""Sample answers for every section, as a browser would post them: for the demo data
and the tests. Answering goes through the wizard's forms and the save service."""

from datetime import date
from typing import Any

from django.http import QueryDict

from applications import sections as S
from applications.models import Application, Kind
from applications.services import save_section
from applications.wizard import bind


def entries(rows: list[dict[str, str]], *, initial: int = 0) -> dict[str, str]:
    """A formset's management form and rows, as the section page posts them."""
    data = {
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": str(initial),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"entries-{index}-{key}": value for key, value in row.items()})
    return data


def sample_answers(
    kind: str, *, born: date = date(1980, 5, 17), first: str = "Jordan", last: str = "Rivera"
) -> dict[str, dict[str, str]]:
    """POST data for every section, as a browser would send it for a complete application."""
    organisations: dict[str, dict[str, str]] = {
        Kind.VOLUNTEER: {"sponsoring_organisation": "First Baptist Church"},
        Kind.REENTRY_PARTNER: {
            "organisation_name": "Jobs for Tomorrow",
            "organisation_type": "nonprofit",
            "role": "Employment counsellor",
            "reference_name": "Sam Lee",
            "reference_relationship": "Director",
            "reference_phone": "(573) 555-0101",
        },
        Kind.STUDENT_INTERN: {
            "school": "Lincoln University",
            "program": "BSW",
            "supervisor_name": "Dr. Amy Ward",
            "supervisor_email": "award@example.edu",
            "supervisor_phone": "(573) 555-0199",
            "term_start": "2027-01-11",
            "term_end": "2027-05-07",
            "hours_required": "240",
        },
    }
    organisation = organisations[kind]
    return {
        S.IDENTITY: {
            "first_name": first,
            "last_name": last,
            "date_of_birth": born.isoformat(),
            "email": f"{first.lower()}.{last.lower()}@example.org",
            "phone": "(573) 555-0123",
            "street_address": "100 High Street",
            "city": "Jefferson City",
            "state": "MO",
            "zip": "65101",
            "emergency_contact_name": "Alex Rivera",
            "emergency_contact_phone": "(573) 555-0124",
            "emergency_contact_relationship": "Spouse",
            "preferred_language": "en",
            "ssn": "123-45-6789",
        },
        S.PLACEMENT: {
            "program_area": "education",
            "activities": "Tutor GED students in mathematics.",
            "availability": "Tuesday evenings",
            "access_level_requested": "contact",
        },
        S.ORGANISATION: organisation,
        S.CRIMINAL_HISTORY: {
            "has_record": "no",
            "pending_charges": "no",
            "on_supervision": "no",
            **entries([]),
        },
        S.RELATIONSHIPS: {"has_relationships": "no", **entries([])},
        S.EMPLOYMENT: {"worked_for_doc": "no", "privileges_suspended": "no"},
        S.ACKNOWLEDGEMENTS: {
            "truthful": "on",
            "background_check": "on",
            "prea": "on",
            "conduct": "on",
            "confidentiality": "on",
            "signature_name": f"{first} {last}",
        },
    }


def answer_section(
    application: Application, slug: str, data: dict[str, str], *, by: Any = None
) -> Application:
    """Answer one section through the wizard's binding and the save service."""
    post = QueryDict(mutable=True)
    for key, value in data.items():
        post[key] = value
    step = bind(application, slug, post)
    if not step.is_valid():
        raise ValueError(f"sample answers for {slug} do not validate: {step.error_links()}")
    return save_section(
        application=application,
        slug=slug,
        cleaned=step.form.cleaned_data,
        entries=step.entries if step.formset is not None else None,
        by=by or application.person.user,
    )
