"""Messages to volunteers: who a group is, sending one e-mail to each of them in the
background, and the record kept of it (DESIGN: record capability, "message their volunteers").

`recipients()` is the one answer to "who receives this": the preview shows it and the send
uses it, so what a coordinator previewed is what was sent (a change in between is refused
with the new list shown, through `recipients_digest`).
"""

import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.languages import rendered_language
from applications.models import OPEN_STATUSES, Application, Person, Status
from applications.services import ApplicationError
from audit.services import record
from facilities.models import Facility
from outreach.models import Audience, JobStatus, Message, MessageRecipient
from partners.models import Organization
from volunteers.models import LIVE_ACCESS, AccessStatus, TrainingSession


class MessageError(ApplicationError):
    """A message that cannot be sent as asked."""


class RecipientsChanged(MessageError):
    def __init__(self) -> None:
        super().__init__(
            _("Who receives this changed since your preview. Check the new list and send again.")
        )


def facility_sessions(facility: Facility) -> QuerySet[TrainingSession]:
    """The facility's own training sessions, whose enrollees a coordinator may write to."""
    return TrainingSession.objects.filter(facility=facility).select_related("course")


def facility_organizations(facility: Facility) -> QuerySet[Organization]:
    """The organizations with a representative at `facility`, whose representatives there a
    coordinator may write to (one that others were merged into stands for theirs too)."""
    ids = Application.objects.filter(
        facility=facility, submitted_at__isnull=False, organization__isnull=False
    ).values("organization_id")
    return Organization.objects.filter(Q(pk__in=ids) | Q(merged_from__in=ids)).distinct()


def _representatives(facility: Facility, organization: Organization) -> Q:
    """An organization's representatives at `facility`: an open application there naming it
    (or one merged into it), or an approved one whose grant is still live."""
    family = Q(applications__organization=organization) | Q(
        applications__organization__merged_into=organization
    )
    standing = Q(applications__status__in=OPEN_STATUSES) | Q(
        applications__status=Status.APPROVED, applications__grant__status__in=LIVE_ACCESS
    )
    return Q(applications__facility=facility) & family & standing


def _group(
    facility: Facility,
    audience: str,
    session: TrainingSession | None,
    organization: Organization | None = None,
) -> QuerySet[Person]:
    people = Person.objects.all()
    if audience == Audience.ACTIVE:
        people = people.filter(grants__facility=facility, grants__status=AccessStatus.ACTIVE)
    elif audience == Audience.PENDING:
        people = people.filter(
            grants__facility=facility, grants__status=AccessStatus.PENDING_ACTIVATION
        )
    elif (
        audience == Audience.SESSION and session is not None and session.facility_id == facility.pk
    ):
        people = people.filter(enrollments__session=session)
    elif (
        audience == Audience.ORGANIZATION
        and organization is not None
        and facility_organizations(facility).filter(pk=organization.pk).exists()
    ):
        # One filter() call: the facility, organization and standing hold for one application.
        people = people.filter(_representatives(facility, organization))
    else:
        return Person.objects.none()
    return people.distinct()


def recipients(
    *,
    facility: Facility,
    audience: str,
    session: TrainingSession | None = None,
    organization: Organization | None = None,
) -> QuerySet[Person]:
    """The people of `facility`'s group who receive the message: those with an e-mail address."""
    return (
        _group(facility, audience, session, organization)
        .exclude(email="")
        .order_by("last_name", "first_name", "pk")
    )


def without_email(
    *,
    facility: Facility,
    audience: str,
    session: TrainingSession | None = None,
    organization: Organization | None = None,
) -> int:
    """How many of the group cannot be reached by e-mail (paper applicants, say)."""
    return _group(facility, audience, session, organization).filter(email="").count()


def recipients_digest(people: Sequence[Person]) -> str:
    """A short fingerprint of a recipient list, carried from the preview to the send."""
    ids = ",".join(str(person.pk) for person in people)
    return hashlib.sha256(ids.encode()).hexdigest()[:32]


@transaction.atomic
def send_message(
    *,
    facility: Facility,
    audience: str,
    session: TrainingSession | None,
    subject: str,
    body: str,
    digest: str,
    by: Any,
    organization: Organization | None = None,
) -> Message:
    """Record the message and its recipients as previewed, audit it, and enqueue the sending
    on commit; refused when the list changed since the preview or is empty."""
    people = list(
        recipients(facility=facility, audience=audience, session=session, organization=organization)
    )
    if recipients_digest(people) != digest:
        raise RecipientsChanged()
    if not people:
        raise MessageError(_("Nobody in this group has an e-mail address on file."))
    message = Message.objects.create(
        facility=facility,
        audience=audience,
        session=session if audience == Audience.SESSION else None,
        organization=organization if audience == Audience.ORGANIZATION else None,
        subject=subject,
        body=body,
        sent_by=by,
        sent_by_label=by.get_full_name() or by.email,
        total=len(people),
    )
    MessageRecipient.objects.bulk_create(
        MessageRecipient(message=message, person=p, email=p.email, name=p.full_name or p.email)
        for p in people
    )
    record(
        by=by,
        action="outreach.message_sent",
        target=message,
        facility=facility,
        details={"audience": audience, "recipients": len(people), "subject": subject},
    )
    transaction.on_commit(lambda: deliver_message.enqueue(message_id=message.pk))
    return message


def _email(message: Message, recipient: MessageRecipient, connection: Any) -> EmailMessage:
    language = rendered_language(recipient.person.preferred_language)
    with translation.override(language):
        body = render_to_string(
            "emails/outreach_message.txt",
            {
                "message": message,
                "facility": message.facility.name,
                "portal_url": settings.PIC_SITE_URL + reverse("outreach_portal:messages"),
            },
        )
    # One message per recipient, addressed to them alone: no address is shown to another.
    return EmailMessage(
        subject=message.subject, body=body, to=[recipient.email], connection=connection
    )


@task()
def deliver_message(*, message_id: int) -> None:
    """Send the message to each recipient not yet sent to, counting progress on its row;
    a retry after a failure continues where it stopped."""
    message = Message.objects.select_related("facility").get(pk=message_id)
    Message.objects.filter(pk=message.pk).update(
        status=JobStatus.RUNNING, started_at=message.started_at or timezone.now()
    )
    pending = message.recipients.filter(sent_at__isnull=True).select_related("person")
    try:
        with get_connection() as connection:
            for recipient in pending.iterator():
                _email(message, recipient, connection).send()
                MessageRecipient.objects.filter(pk=recipient.pk).update(sent_at=timezone.now())
                Message.objects.filter(pk=message.pk).update(sent=F("sent") + 1)
    except Exception:
        Message.objects.filter(pk=message.pk).update(status=JobStatus.FAILED)
        raise
    Message.objects.filter(pk=message.pk).update(status=JobStatus.DONE, finished_at=timezone.now())


def received_by(person: Person) -> QuerySet[MessageRecipient]:
    """The copies of the messages sent to `person`, newest first (the portal's Messages)."""
    return (
        MessageRecipient.objects.filter(person=person, sent_at__isnull=False)
        .select_related("message__facility")
        .order_by("-sent_at", "-pk")
    )
