"""Outreach: program visits, messages to volunteers, recognition (certificates, milestones)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Person, private_storage
from facilities.models import Facility
from volunteers.models import TrainingSession

# Messages to volunteers and recognition ---------------------------------------------------
# (outreach/messages*.py and outreach/recognition*.py read and write these.)


class Audience(models.TextChoices):
    """Who of a facility's people a message goes to."""

    ACTIVE = "active", _("Active volunteers")
    PENDING = "pending_activation", _("Pending activation")
    SESSION = "session", _("Enrolled in a training session")


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
