"""record(): the one way to write the security audit log."""

from typing import Any

from django.db import models

from audit.context import current_ip
from audit.models import AuditEvent


def _describe(obj: object) -> tuple[str, str, str]:
    """Return (type, id, label) copied as values from a model instance, or a plain label."""
    if obj is None:
        return "", "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk), str(obj)[:255]
    return "", "", str(obj)[:255]


def record(
    *,
    by: Any,
    action: str,
    target: object = None,
    facility: Any = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one row to the security audit log; `by` may be a user, None or a label."""
    actor_id, actor_label = "", ""
    if by is not None and getattr(by, "is_authenticated", False):
        actor_id, actor_label = str(by.pk), str(getattr(by, "email", "") or by)
    elif by is not None and not hasattr(by, "is_authenticated"):
        actor_label = str(by)
    target_type, target_id, target_label = _describe(target)
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor_id,
        actor_label=actor_label[:255],
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        facility_code=str(getattr(facility, "code", "") or "")[:16],
        facility_label=str(facility or "")[:255],
        ip_address=ip or current_ip.get(),
        details=details or {},
    )
