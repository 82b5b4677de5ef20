"""Domain refusals of the applications services; views turn them into messages."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import (
    Application,
    EventKind,
    Status,
)


class ApplicationError(Exception):
    """A domain refusal; views turn it into a message or a form error."""


class AlreadyLive(ApplicationError):
    def __init__(self, existing: Application) -> None:
        super().__init__(_("You already have an application of this kind at this facility."))
        self.existing = existing


class IllegalMove(ApplicationError):
    def __init__(self, application: Application, to: str) -> None:
        last = application.events.filter(kind=EventKind.STATUS).order_by("-at", "-pk").first()
        if last is not None and last.to_status == application.status:
            message = _(
                "This application was already moved to “%(status)s” by %(who)s at %(when)s."
            )
            message %= {
                "status": application.get_status_display(),
                "who": last.actor_label or _("the system"),
                "when": date_format(timezone.localtime(last.at), "DATETIME_FORMAT"),
            }
        else:
            message = _("An application that is “%(status)s” cannot be moved to “%(to)s”.") % {
                "status": application.get_status_display(),
                "to": Status(to).label,
            }
        super().__init__(message)
        self.application = application


class NotEditable(ApplicationError):
    pass


class Incomplete(ApplicationError):
    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__(_("Some answers are missing or need correcting."))
        self.problems = problems


class TooYoung(ApplicationError):
    def __init__(self, eligible_on: date) -> None:
        super().__init__(
            _("You must be 18 to apply. You may submit this application from %(date)s.")
            % {"date": date_format(eligible_on)}
        )
        self.eligible_on = eligible_on


def actor_label(by: Any) -> str:
    if isinstance(by, User):
        return str(by.email)
    return str(by or "")


class SignInRefused(ApplicationError):
    pass


class TooManySubmits(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _("Too many applications were sent from here. Wait an hour and try again.")
        )
