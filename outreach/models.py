"""Outreach: program visits, messages to volunteers, recognition (certificates, milestones)."""

import secrets
import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from applications.models import Language, Person, ProgramArea, private_storage
from facilities.models import Facility
from partners.models import Organization
from volunteers.models import TrainingSession

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# Program visits (DESIGN rule 7) -----------------------------------------------------------


def new_visit_token() -> str:
    return secrets.token_urlsafe(24)


class VisitRequestStatus(models.TextChoices):
    NEW = "new", _("Waiting for the coordinator")
    SCHEDULED = "scheduled", _("Visits scheduled")
    DECLINED = "declined", _("Declined")


class VisitRequestQuerySet(models.QuerySet["VisitRequest"]):
    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "VisitRequestQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))

    def for_email(self, email: str) -> "VisitRequestQuerySet":
        return self.filter(email__iexact=email.strip())


class VisitRequest(models.Model):
    """A visitor asking a facility for program visits; the visitor has no login, so the
    unguessable token is their way back to it (the status page, the application start)."""

    token = models.CharField(max_length=64, unique=True, default=new_visit_token, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="visit_requests")
    first_name = models.CharField(_("first name"), max_length=60)
    last_name = models.CharField(_("last name"), max_length=60)
    email = models.EmailField(_("e-mail address"), db_index=True)
    phone = models.CharField(_("phone"), max_length=40)
    programs = models.JSONField(_("programs of interest"), default=list)
    preferred_dates = models.JSONField(_("preferred dates"), default=list)
    message = models.TextField(_("message"), blank=True)
    # The language the visitor asked in: their e-mails are written in it.
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(
        max_length=12, choices=VisitRequestStatus.choices, default=VisitRequestStatus.NEW
    )
    decline_reason = models.TextField(blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    # Set when the visitor starts an application from the request (their person).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=VisitRequestStatus.values),
                name="visit_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=VisitRequestStatus.DECLINED)
                | ~models.Q(decline_reason=""),
                name="visit_request_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values),
                name="visit_request_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.facility.code}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def preferred_days(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.preferred_dates]

    @property
    def phone_display(self) -> str:
        try:
            return str(PhoneNumber.from_string(self.phone).as_national) if self.phone else ""
        except NumberParseException:
            return self.phone

    @property
    def program_labels(self) -> list[str]:
        labels = dict(ProgramArea.choices)
        return [str(labels.get(p, p)) for p in self.programs]


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MADE = "made", _("Made")
    MISSED = "missed", _("Missed")


class ProgramVisitQuerySet(models.QuerySet["ProgramVisit"]):
    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "ProgramVisitQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))

    def counted(self) -> "ProgramVisitQuerySet":
        """Visits that use up the allowance: made ones, and booked ones not yet recorded."""
        return self.filter(status__in=[VisitStatus.MADE, VisitStatus.SCHEDULED])

    def of_visitor(self, facility: Facility, email: str) -> "ProgramVisitQuerySet":
        return self.filter(facility=facility, request__email__iexact=email.strip())


class ProgramVisit(models.Model):
    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="visits")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="program_visits")
    on = models.DateField(_("date"))
    at = models.TimeField(_("time"))
    program = models.CharField(_("program"), max_length=24, choices=ProgramArea.choices)
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="escorted_visits",
        verbose_name=_("escorting staff member"),
    )
    status = models.CharField(
        max_length=12, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramVisitQuerySet.as_manager()

    class Meta:
        ordering = ["on", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=VisitStatus.values), name="program_visit_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(program__in=ProgramArea.values),
                name="program_visit_program_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.full_name} — {self.facility.code} {self.on}"


# Messages to volunteers and recognition ---------------------------------------------------
# (outreach/messages*.py and outreach/recognition*.py read and write these.)


class Audience(models.TextChoices):
    """Who of a facility's people a message goes to."""

    ACTIVE = "active", _("Active volunteers")
    PENDING = "pending_activation", _("Pending activation")
    SESSION = "session", _("Enrolled in a training session")
    ORGANIZATION = "organization", _("A partner organization's representatives")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: object, cap: str) -> "MessageQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))


class Message(models.Model):
    """One e-mail a coordinator sent to a group of one facility's people, and its send job."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="messages")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=150)
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copied: the record of who wrote it outlives the account.
    sent_by_label = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="message_audience_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="message_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sent__lte=models.F("total")), name="message_sent_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.subject}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class MessageRecipient(models.Model):
    """One person a message went to, with the address used then: the portal's copy."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="messages_received")
    email = models.EmailField()
    name = models.CharField(max_length=255)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "person"], name="message_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.person_id}"


class CertificateJobQuerySet(models.QuerySet["CertificateJob"]):
    def for_facility(self, facility: Facility) -> "CertificateJobQuerySet":
        return self.filter(facility=facility)

    def statewide(self) -> "CertificateJobQuerySet":
        return self.filter(facility__isnull=True)


def _certificates_path(instance: "CertificateJob", filename: str) -> str:
    return f"certificates/{instance.year}/{uuid.uuid4().hex}.pdf"


class CertificateJob(models.Model):
    """National Volunteer Week certificates for every active volunteer of one facility (or of
    the state: no facility), made in the background into one PDF."""

    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(
        storage=private_storage, upload_to=_certificates_path, blank=True, max_length=200
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="certificate_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"certificates {self.year} {self.facility_id or 'statewide'}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
