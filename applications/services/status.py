"""The application's event log and `transition()`, the only writer of status."""

from typing import Any

from django.utils import timezone

from accounts.models import User
from applications.models import (
    ALSO_BY_RECORD,
    TRANSITIONS,
    Application,
    ApplicationEvent,
    EventKind,
    Mover,
    Status,
)
from applications.services.errors import IllegalMove, actor_label

# Status moves ---------------------------------------------------------------------------


def append_event(
    application: Application,
    kind: str,
    *,
    by: Any,
    text: str = "",
    visible: bool = False,
    on_behalf: bool = False,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=by if isinstance(by, User) else None,
        actor_label=actor_label(by),
        on_behalf_of_applicant=on_behalf,
        from_status=from_status,
        to_status=to_status,
        text=text,
        is_visible_to_applicant=visible,
        data=data or {},
    )


def transition(
    *,
    application: Application,
    to: str,
    by: Any,
    mover: str,
    text: str = "",
    on_behalf: bool = False,
    visible: bool = True,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Application:
    """Move an application to `to`: lock the row, refuse illegal moves, append the event.

    `mover` says in what capacity (`Mover`); `fields` are saved with the move (e.g. the
    decline reason). Must run inside a transaction; the caller defers notifications.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    allowed = TRANSITIONS.get(locked.status, {}).get(to)
    if allowed is None or (
        allowed != mover and not (mover == Mover.RECORD and (locked.status, to) in ALSO_BY_RECORD)
    ):
        raise IllegalMove(locked, to)
    from_status = locked.status
    now = timezone.now()
    locked.status = to
    locked.status_changed_at = now
    if to in (Status.APPROVED, Status.DECLINED):
        locked.decided_at = now
    if to == Status.IN_REVIEW and locked.reviewed_at is None:
        locked.reviewed_at = now  # the first time only: an answered request returns to review
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "decided_at",
            "reviewed_at",
            "updated_at",
            *fields,
        ]
    )
    append_event(
        locked,
        EventKind.STATUS,
        by=by,
        text=text,
        visible=visible,
        on_behalf=on_behalf,
        from_status=from_status,
        to_status=to,
        data=data,
    )
    return locked
