"""Refusals of the screening services; views show their messages."""

from django.utils.translation import gettext as _

from applications.services import ApplicationError


class ScreeningError(ApplicationError):
    """A screening action that cannot be taken; views show the message."""


class GateClosed(ScreeningError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("Not yet: %(missing)s") % {"missing": "; ".join(missing)})
        self.missing = missing
