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


from applications.models import Application, Kind, Person  # noqa: E402
from applications.samples import answer_section, sample_answers  # noqa: E402
from applications.services import (  # noqa: E402
    person_for_login,
    start_application,
    submit_application,
)


def applicant(email: str | None = None, **person_fields: Any) -> Person:
    """An applicant login (no password) and its person."""
    user = UserFactory.create(**({"email": email} if email else {}))
    person = person_for_login(user=user)
    for name, value in person_fields.items():
        setattr(person, name, value)
    person.save()
    return person


valid_answers = sample_answers


def fill_section(application: Application, slug: str, data: dict[str, str]) -> Application:
    """Answer one section through the wizard's binding and the save service."""
    return answer_section(application, slug, data)


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
