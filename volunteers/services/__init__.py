"""Volunteers writes that other apps call: the grant an approval creates, statewide bans,
a merge's standing.

A package with one public surface: import from `volunteers.services`. Trainings, sessions,
TB tests, activation and the access lifecycle are in volunteers.activation; the daily sweep
in volunteers.sweep.
"""

from volunteers.errors import GateClosed, VolunteerError
from volunteers.services.bans import ban_person, lift_ban, standing_ban
from volunteers.services.grants import create_grant, holds_live_access
from volunteers.services.people import move_standing

__all__ = [
    "GateClosed",
    "VolunteerError",
    "ban_person",
    "create_grant",
    "holds_live_access",
    "lift_ban",
    "move_standing",
    "standing_ban",
]
