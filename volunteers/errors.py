"""Refusals of the volunteers services; views show their messages. Screening re-uses
GateClosed for its own gate (approval)."""

from django.utils.translation import gettext as _

from applications.services import ApplicationError


class VolunteerError(ApplicationError):
    """An action on access, trainings, sessions or bans that cannot be taken."""


class GateClosed(VolunteerError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("Not yet: %(missing)s") % {"missing": "; ".join(missing)})
        self.missing = missing
