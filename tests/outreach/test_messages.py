"""Messages to volunteers: the preview is the sent list, one e-mail per person, progress,
the record and the portal's copy."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from facilities.models import Facility, Role
from outreach import messages as M
from outreach.models import Audience, JobStatus, Message
from tests.conftest import member
from tests.factories import FacilityFactory
from tests.volunteers.activation_helpers import active_grant, grant_at, session_at
from volunteers import activation

pytestmark = pytest.mark.django_db


@pytest.fixture
def acc() -> Facility:
    return FacilityFactory.create(code="ACC", name="Algoa Correctional Center")


@pytest.fixture
def coordinator(acc: Facility) -> User:
    return member(acc, Role.IAC)


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "audience": Audience.ACTIVE,
        "session": "",
        "subject": "Volunteer appreciation dinner",
        "body": "Dear volunteers,\nthe dinner is on Friday at six.",
        **overrides,
    }


def _preview(client: Client, facility: Facility, **overrides: Any) -> Any:
    url = reverse("outreach_messages:messages", args=[facility.code])
    return client.post(url, _form(**overrides))


def test_the_preview_is_exactly_who_receives_it(
    client: Client, acc: Facility, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    mine = [active_grant(acc, by=coordinator) for _ in range(3)]
    grant_at(acc, by=coordinator)  # pending activation: another group
    other = FacilityFactory.create(code="BCC")
    active_grant(other, by=member(other, Role.IAC))  # another facility's volunteer
    client.force_login(coordinator)

    preview = _preview(client, acc)
    previewed = [p.email for p in preview.context["preview"]]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("outreach_messages:messages", args=[acc.code]),
            {**_form(), "send": "", "digest": preview.context["digest"]},
        )

    assert sorted(previewed) == sorted(g.person.email for g in mine)
    message = Message.objects.get()
    assert sent["Location"] == reverse("outreach_messages:message", args=[acc.code, message.pk])
    assert [r.email for r in message.recipients.order_by("name", "pk")] == previewed
    assert sorted(m.to[0] for m in mail.outbox) == sorted(previewed)
    # One message each, addressed to that person alone: nobody sees another's address.
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    for m in mail.outbox:
        assert not any(addr in m.body for addr in previewed if addr != m.to[0])
    assert mail.outbox[0].subject == "Volunteer appreciation dinner"
    assert "the dinner is on Friday at six." in mail.outbox[0].body
    assert "/account/messages/" in mail.outbox[0].body
    message.refresh_from_db()
    assert (message.status, message.total, message.sent) == (JobStatus.DONE, 3, 3)
    assert message.started_at
    assert message.finished_at
    assert message.sent_by == coordinator
    assert AuditEvent.objects.filter(action="outreach.message_sent").count() == 1


def test_a_list_that_changed_since_the_preview_is_not_sent(
    client: Client, acc: Facility, coordinator: User
) -> None:
    active_grant(acc, by=coordinator)
    client.force_login(coordinator)
    preview = _preview(client, acc)
    newcomer = active_grant(acc, by=coordinator)

    again = client.post(
        reverse("outreach_messages:messages", args=[acc.code]),
        {**_form(), "send": "", "digest": preview.context["digest"]},
    )

    assert again.status_code == 200
    assert not Message.objects.exists()
    assert newcomer.person in again.context["preview"]
    assert "changed since your preview" in again.content.decode()


def test_a_session_s_enrollees(acc: Facility, coordinator: User) -> None:
    session = session_at(acc, by=coordinator)
    enrolled = grant_at(acc, by=coordinator)
    grant_at(acc, by=coordinator)
    activation.enrol(session=session, person=enrolled.person, by=coordinator)

    people = M.recipients(facility=acc, audience=Audience.SESSION, session=session)

    assert list(people) == [enrolled.person]
    # Another facility's session is not this facility's to write to.
    other = session_at(FacilityFactory.create(code="BCC"), by="tests")
    assert not M.recipients(facility=acc, audience=Audience.SESSION, session=other).exists()


def test_people_without_e_mail_are_counted_not_sent_to(
    client: Client, acc: Facility, coordinator: User
) -> None:
    paper = active_grant(acc, by=coordinator)
    paper.person.email = ""
    paper.person.save()
    active_grant(acc, by=coordinator)
    client.force_login(coordinator)

    preview = _preview(client, acc)

    assert len(preview.context["preview"]) == 1
    assert preview.context["unreachable"] == 1
    assert "has no e-mail address on file" in preview.content.decode()


def test_bad_input_comes_back_with_what_was_typed(
    client: Client, acc: Facility, coordinator: User
) -> None:
    client.force_login(coordinator)

    response = _preview(client, acc, subject="", audience=Audience.SESSION)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "the dinner is on Friday at six." in page
    assert "Choose the session whose enrollees receive it." in page
    assert response.context["form"].errors.keys() == {"subject", "session"}


def test_a_subject_of_two_lines_is_refused(acc: Facility) -> None:
    from outreach.messages_forms import MessageForm

    form = MessageForm(_form(subject="Hello\nBcc: someone@example.com"), facility=acc)

    assert not form.is_valid()
    assert "subject" in form.errors


def test_the_volunteer_keeps_a_copy(
    client: Client, acc: Facility, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(acc, by=coordinator)
    people = list(M.recipients(facility=acc, audience=Audience.ACTIVE))
    with django_capture_on_commit_callbacks(execute=True):
        M.send_message(
            facility=acc,
            audience=Audience.ACTIVE,
            session=None,
            subject="Gate hours change",
            body="From Monday the gate opens at 7:30.",
            digest=M.recipients_digest(people),
            by=coordinator,
        )
    client.force_login(grant.person.user)

    listing = client.get(reverse("outreach_portal:messages")).content.decode()
    copy = M.received_by(grant.person).get()
    page = client.get(reverse("outreach_portal:message", args=[copy.pk])).content.decode()

    assert "Gate hours change" in listing
    assert "From Monday the gate opens at 7:30." in page
    # Another person's copy is not theirs.
    stranger = active_grant(acc, by=coordinator)
    client.force_login(stranger.person.user)
    assert client.get(reverse("outreach_portal:message", args=[copy.pk])).status_code == 404


def test_the_progress_page_polls_until_done_and_works_without_script(
    client: Client, acc: Facility, coordinator: User
) -> None:
    active_grant(acc, by=coordinator)
    people = list(M.recipients(facility=acc, audience=Audience.ACTIVE))
    message = M.send_message(  # on_commit not run: still waiting in the queue
        facility=acc,
        audience=Audience.ACTIVE,
        session=None,
        subject="Hello",
        body="Text",
        digest=M.recipients_digest(people),
        by=coordinator,
    )
    client.force_login(coordinator)
    url = reverse("outreach_messages:message", args=[acc.code, message.pk])

    page = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert '<progress class="w-100" max="1" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="{url}"' in page  # "Check again", for a browser without script
    assert partial.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial
    Message.objects.filter(pk=message.pk).update(status=JobStatus.DONE, sent=1)
    assert 'hx-trigger="every 1s"' not in client.get(url).content.decode()


@pytest.mark.parametrize("size", [1, 4])
def test_the_message_list_costs_the_same_at_any_size(
    client: Client,
    acc: Facility,
    coordinator: User,
    size: int,
    django_assert_num_queries: Any,
) -> None:
    session = session_at(acc, by=coordinator)
    for n in range(size):
        Message.objects.create(
            facility=acc,
            audience=Audience.SESSION,
            session=session,
            subject=f"Message {n}",
            body="Text",
            sent_by=coordinator,
            sent_by_label="IAC",
        )
    client.force_login(coordinator)
    client.get(reverse("outreach_messages:messages", args=[acc.code]))  # warm the session

    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("outreach_messages:messages", args=[acc.code]))

    assert response.content.decode().count("Message ") >= size


# Session, user, the second step's device, memberships (read once by the guard), facility,
# the list and its form (its training sessions and partner organizations).
QUERIES = 9


# A partner organization's representatives ------------------------------------------------


def _represents(application: Any, organization: Any) -> Any:
    from applications.models import Application

    Application.objects.filter(pk=application.pk).update(organization=organization)
    return application


def test_an_organization_s_representatives_here_are_who_receives_it(
    client: Client, acc: Facility, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    from applications.models import Application, Kind, Status
    from partners.models import Organization
    from tests.factories import submitted_application

    org = Organization.objects.create(name="Jobs for Tomorrow", kind="nonprofit")
    other_org = Organization.objects.create(name="Mission Reentry", kind="faith_based")
    absorbed = Organization.objects.create(
        name="Jobs 4 Tomorrow", kind="nonprofit", status="merged", merged_into=org
    )
    kind = {"kind": Kind.REENTRY_PARTNER}
    open_here = _represents(submitted_application(facility=acc, **kind), org)
    approved_here = _represents(grant_at(acc, by=coordinator, **kind).application, org)
    via_merge = _represents(submitted_application(facility=acc, **kind), absorbed)
    withdrawn = _represents(submitted_application(facility=acc, **kind), org)
    Application.objects.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN)
    _represents(submitted_application(facility=acc, **kind), other_org)
    bcc = FacilityFactory.create(code="BCC")
    elsewhere = _represents(submitted_application(facility=bcc, **kind), org)
    client.force_login(coordinator)

    preview = _preview(client, acc, audience=Audience.ORGANIZATION, organization=org.public_id)
    previewed = [p.pk for p in preview.context["preview"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("outreach_messages:messages", args=[acc.code]),
            {
                **_form(audience=Audience.ORGANIZATION, organization=org.public_id),
                "send": "",
                "digest": preview.context["digest"],
            },
        )

    expected = {a.person_id for a in (open_here, approved_here, via_merge)}
    assert set(previewed) == expected
    assert elsewhere.person_id not in previewed
    message = Message.objects.get()
    assert (message.audience, message.organization) == (Audience.ORGANIZATION, org)
    assert sorted(r.person_id for r in message.recipients.all()) == sorted(previewed)
    assert len(mail.outbox) == len(previewed) == 3
    assert (
        "Jobs for Tomorrow"
        in client.get(
            reverse("outreach_messages:message", args=[acc.code, message.pk])
        ).content.decode()
    )


def test_a_coordinator_cannot_address_another_facility_s_representatives(
    client: Client, acc: Facility, coordinator: User
) -> None:
    from applications.models import Kind
    from partners.models import Organization
    from tests.factories import submitted_application

    theirs = Organization.objects.create(name="Boonville Mentors", kind="nonprofit")
    bcc = FacilityFactory.create(code="BCC")
    _represents(submitted_application(facility=bcc, kind=Kind.REENTRY_PARTNER), theirs)
    client.force_login(coordinator)

    response = _preview(client, acc, audience=Audience.ORGANIZATION, organization=theirs.public_id)
    sent = client.post(
        reverse("outreach_messages:messages", args=[acc.code]),
        {
            **_form(audience=Audience.ORGANIZATION, organization=theirs.public_id),
            "send": "",
            "digest": M.recipients_digest([]),
        },
    )

    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert "the dinner is on Friday at six." in response.content.decode()
    assert sent.status_code == 200
    assert not Message.objects.exists()
    assert not M.recipients(
        facility=acc, audience=Audience.ORGANIZATION, organization=theirs
    ).exists()
    # The chooser offers only organizations with representatives here.
    page = client.get(reverse("outreach_messages:messages", args=[acc.code])).content.decode()
    assert "Boonville Mentors" not in page


def test_choosing_no_organization_for_that_audience_is_an_error(acc: Facility) -> None:
    from outreach.messages_forms import MessageForm

    form = MessageForm(_form(audience=Audience.ORGANIZATION), facility=acc)

    assert not form.is_valid()
    assert (
        "Choose the organization whose representatives receive it." in form.errors["organization"]
    )
