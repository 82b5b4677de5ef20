"""Refusals of the screening services; views show their messages."""

from applications.services import ApplicationError
from volunteers.errors import GateClosed


class ScreeningError(ApplicationError):
    """A screening action that cannot be taken; views show the message."""


__all__ = ["GateClosed", "ScreeningError"]
