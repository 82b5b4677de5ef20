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
