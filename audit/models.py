"""The append-only security audit log.

Rows copy the actor, target and facility as values (ids and labels), never foreign keys,
so deleting a user or merging people never touches the log.
"""

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """The audit log is never updated or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def for_target(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))


class AuditEvent(models.Model):
    when = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    facility_code = models.CharField(max_length=16, blank=True, db_index=True)
    facility_label = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-when", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The audit viewer filters on the actor's label (an e-mail address, by prefix).
            models.Index(fields=["actor_label", "when"], name="audit_actor_when"),
        ]

    def __str__(self) -> str:
        # Stored in UTC; read in Missouri's time (a UTC hour here misdated evening rows).
        when = timezone.localtime(self.when)
        return f"{when:%Y-%m-%d %H:%M} {self.action} {self.target_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: a row, once written, never changes.
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")
