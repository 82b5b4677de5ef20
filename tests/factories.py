"""factory_boy factories; workflow state is built through the services, not by hand."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from facilities.models import Division, Facility, FacilityKind, Membership, Role
from facilities.services import assign_coordinator, make_pic_coordinator

STAFF_PASSWORD = "correct-horse-battery-staple"


class FacilityFactory(DjangoModelFactory[Facility]):
    class Meta:
        model = Facility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Test Correctional Center {n}")
    kind = FacilityKind.ADULT_INSTITUTION
    division = Division.DAI
    city = "Jefferson City"
    tb_test_required = True


class UserFactory(DjangoModelFactory[User]):
    """An applicant account: no usable password."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Applicant{n}")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        if extracted:
            obj.set_password(extracted)
        else:
            obj.set_unusable_password()
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    """A staff account: a usable password; optionally the PIC Coordinator."""

    email = factory.Sequence(lambda n: f"staff{n}@doc.example.org")
    password = factory.PostGeneration(
        lambda obj, create, extracted, **kw: (
            obj.set_password(extracted or STAFF_PASSWORD),
            create and obj.save(),
        )
    )

    @factory.post_generation
    def pic_coordinator(obj: User, create: bool, extracted: bool, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            make_pic_coordinator(by="tests", user=obj)


class MembershipFactory(factory.Factory[Membership]):
    """A membership made through the audited assignment service."""

    class Meta:
        model = Membership

    user = factory.SubFactory(StaffUserFactory)
    facility = factory.SubFactory(FacilityFactory)
    role = Role.IAC

    @classmethod
    def _create(cls, model_class: type[Membership], *args: Any, **kwargs: Any) -> Membership:
        return assign_coordinator(by="tests", **kwargs)


# Applicants and applications, built through the same forms and services as the wizard.
from datetime import date  # noqa: E402

from django.http import QueryDict  # noqa: E402

from applications import sections as S  # noqa: E402
from applications.models import Application, Kind, Person  # noqa: E402
from applications.services import (  # noqa: E402
    person_for_login,
    save_section,
    start_application,
    submit_application,
)
from applications.wizard import bind  # noqa: E402


def applicant(email: str | None = None, **person_fields: Any) -> Person:
    """An applicant login (no password) and its person."""
    user = UserFactory.create(**({"email": email} if email else {}))
    person = person_for_login(user=user)
    for name, value in person_fields.items():
        setattr(person, name, value)
    person.save()
    return person


def _entries(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "entries-TOTAL_FORMS": str(len(rows)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"entries-{index}-{key}": value for key, value in row.items()})
    return data


def valid_answers(
    kind: str, *, born: date = date(1980, 5, 17), first: str = "Jordan", last: str = "Rivera"
) -> dict[str, dict[str, str]]:
    """POST data for every section, as a browser would send it for a complete application."""
    organisation = {
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
    }[kind]
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
            **_entries([]),
        },
        S.RELATIONSHIPS: {"has_relationships": "no", **_entries([])},
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


def fill_section(application: Application, slug: str, data: dict[str, str]) -> Application:
    """Answer one section through the wizard's binding and the save service."""
    post = QueryDict(mutable=True)
    for key, value in data.items():
        post[key] = value
    step = bind(application, slug, post)
    assert step.is_valid(), step.error_links()
    return save_section(
        application=application,
        slug=slug,
        cleaned=step.form.cleaned_data,
        entries=step.entries if step.formset is not None else None,
        by=application.person.user,
    )


def school_letter(application: Application) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.services import add_document

    add_document(
        application=application,
        kind="school_letter",
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test letter", "application/pdf"),
        content_type="application/pdf",
        by=application.person.user,
    )


def draft_application(
    *,
    facility: Facility,
    kind: str = Kind.VOLUNTEER,
    person: Person | None = None,
    complete: bool = True,
    **answer_kwargs: Any,
) -> Application:
    person = person or applicant()
    application = start_application(by=person.user, person=person, facility=facility, kind=kind)
    if complete:
        for slug, data in valid_answers(kind, **answer_kwargs).items():
            application = fill_section(application, slug, data)
        if kind == Kind.STUDENT_INTERN:
            school_letter(application)
    return application


def submitted_application(*, facility: Facility, **kwargs: Any) -> Application:
    application = draft_application(facility=facility, **kwargs)
    return submit_application(application=application, by=application.person.user)
