"""Helpers shared by the screening tests: people, applications in every status, screening.

Everything is built through the services, as the pages would build it. Each person gets a
name of letters only and a Social Security number of their own, so that nobody is flagged
as a possible duplicate of anybody unless a test asks for it.
"""

import itertools
import re
from datetime import date, datetime, timedelta
from typing import Any

from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, Kind, Person, Status
from applications.samples import entries
from applications.services import (
    person_for_login,
    request_information,
    start_application,
    submit_application,
    withdraw_application,
)
from facilities.models import Facility
from screening import services
from screening.models import StepKind
from tests.factories import UserFactory, fill_section, school_letter, valid_answers
from volunteers.models import FacilityAccess

_counter = itertools.count(1)


def letters(number: int) -> str:
    """A number written in letters (a, b, … z, ba, bb …): names normalize on letters only."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[digit] + out
        if number == 0:
            return out


def unique_name() -> str:
    return "Q" + letters(next(_counter) + 26 * 26)


def unique_ssn() -> str:
    n = next(_counter)
    return f"{100 + n // 10000 % 800:03d}-{10 + n // 100 % 90:02d}-{1000 + n % 9000:04d}"


def answers(
    kind: str,
    *,
    first: str,
    last: str,
    born: date,
    email: str,
    ssn: str = "",
    level: str = "contact",
    relations: list[dict[str, str]] | None = None,
    history: bool = False,
    pending: bool = False,
    activities: str = "",
) -> dict[str, dict[str, str]]:
    """POST data for every section of a complete application, with what a test varies."""
    data = valid_answers(kind, born=born, first=first, last=last)
    data[S.IDENTITY].update({"email": email, "ssn": ssn})
    data[S.PLACEMENT]["access_level_requested"] = level
    if activities:
        data[S.PLACEMENT]["activities"] = activities
    if relations:
        data[S.RELATIONSHIPS] = {"has_relationships": "yes", **entries(relations)}
    if history or pending:
        rows = [
            {
                "date": "2001-03-04",
                "place": "Cole County, MO",
                "offence": "Trespass",
                "disposition": "Fine paid",
            }
        ]
        data[S.CRIMINAL_HISTORY] = {
            "has_record": "yes" if history else "no",
            "pending_charges": "yes" if pending else "no",
            "pending_details": "Speeding ticket, court date in May" if pending else "",
            "on_supervision": "no",
            **entries(rows if history else []),
        }
    return data


def new_person(
    *,
    online: bool = True,
    first: str = "Jordan",
    last: str | None = None,
    email: str | None = None,
) -> Person:
    """A person, with an applicant login unless `online` is false (a paper applicant)."""
    last = last or unique_name()
    email = email or f"{first.lower()}.{last.lower()}@example.org"
    if online:
        person = person_for_login(user=UserFactory.create(email=email))
    else:
        person = Person.objects.create(email=email)
    person.first_name, person.last_name = first, last
    person.save()
    return person


def make_application(
    facility: Facility,
    *,
    kind: str = Kind.VOLUNTEER,
    person: Person | None = None,
    submit: bool = True,
    submitted_at: datetime | None = None,
    born: date | None = None,
    ssn: str | None = None,
    **options: Any,
) -> Application:
    """An application answered in full through the wizard's forms, submitted unless told."""
    fresh = person is None
    person = person or new_person()
    born = born or person.date_of_birth or date(1980, 5, 17)
    if ssn is None:
        ssn = unique_ssn() if fresh else ""  # empty keeps the number on file
    by = person.user or "tests"
    application = start_application(by=by, person=person, facility=facility, kind=kind)
    data = answers(
        kind,
        first=person.first_name,
        last=person.last_name,
        born=born,
        email=person.email,
        ssn=ssn,
        **options,
    )
    for slug, section in data.items():
        application = fill_section(application, slug, section)
    if kind == Kind.STUDENT_INTERN:
        school_letter(application)
    if submit:
        application = submit_application(application=application, by=by, now=submitted_at)
    return application


def in_review(facility: Facility, *, by: User, **options: Any) -> Application:
    application = make_application(facility, **options)
    return services.start_review(application=application, by=by)


def pass_all_steps(application: Application, *, by: User) -> None:
    """Record every step passed (the background check with one cleared check)."""
    for step in application.screening_steps.all():
        if step.step_kind == StepKind.BACKGROUND_CHECK:
            services.add_background_check(
                step=step,
                by=by,
                performed_by="MSHP",
                check_type="mules",
                run_on=age.today(),
                outcome="cleared",
            )
        services.record_step(step=step, by=by, state="passed", occurred_on=age.today())


def ready_for_approval(facility: Facility, *, by: User, **options: Any) -> Application:
    application = in_review(facility, by=by, **options)
    pass_all_steps(application, by=by)
    return application


def approved(
    facility: Facility, *, by: User, level: str = "no_contact", **options: Any
) -> tuple[Application, FacilityAccess]:
    application = ready_for_approval(facility, by=by, **options)
    grant = services.approve_application(application=application, by=by, level=level)
    application.refresh_from_db()
    return application, grant


def activated(facility: Facility, *, by: User, **options: Any) -> FacilityAccess:
    """An approved application's grant with every training and a TB test done, activated."""
    from volunteers import activation
    from volunteers.models import Course

    _application, grant = approved(facility, by=by, **options)
    for course in Course.objects.filter(is_active=True, required_for_activation=True):
        activation.record_completion(
            person=grant.person,
            course=course,
            completed_on=age.today(),
            by=by,
            facility=facility,
        )
    activation.record_tb_test(person=grant.person, tested_on=age.today(), result="negative", by=by)
    return activation.activate_access(grant=grant, by=by)


def application_in(status: str, facility: Facility, *, by: User) -> Application:
    """An application in `status`, reached through the services as in real life."""
    if status == Status.DRAFT:
        return make_application(facility, submit=False)
    if status == Status.SUBMITTED:
        return make_application(facility)
    if status == Status.WITHDRAWN:
        application = make_application(facility)
        with transaction.atomic():
            return withdraw_application(
                application=application, by=application.person.user, reason="Moved away."
            )
    if status == Status.DECLINED:
        application = make_application(facility)
        services.decline_application(application=application, by=by, reason="incomplete")
        application.refresh_from_db()
        return application
    if status == Status.IN_REVIEW:
        return in_review(facility, by=by)
    if status == Status.INFO_REQUESTED:
        application = in_review(facility, by=by)
        request_information(
            application=application,
            by=by,
            message="Please tell us more about your availability.",
            sections=[S.PLACEMENT],
            due_on=age.today() + timedelta(days=30),
        )
        application.refresh_from_db()
        return application
    if status == Status.APPROVED:
        application, _grant = approved(facility, by=by)
        return application
    raise AssertionError(f"unknown status {status}")


# Pages --------------------------------------------------------------------------------


def page(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def application_url(application: Application) -> str:
    return reverse("staff:application", args=[application.reference])


def queue_references(client: Client, **query: Any) -> list[str]:
    """The references the queue lists, in order (one page)."""
    response = client.get(reverse("staff:home"), query)
    assert response.status_code == 200
    return re.findall(r'href="/staff/applications/([^/"]+)/"', page(response))


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]
