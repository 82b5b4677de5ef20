"""Volunteers writes that other apps call: the grant an approval creates, statewide bans,
a merge's standing.

A package with one public surface: import from `volunteers.services`. Trainings, sessions,
TB tests, activation and the access lifecycle are in volunteers.activation; the daily sweep
in volunteers.sweep. Service hours in volunteers.services.hours.
"""

from volunteers.errors import GateClosed, VolunteerError
from volunteers.services.bans import ban_person, lift_ban, standing_ban
from volunteers.services.grants import create_grant, holds_live_access
from volunteers.services.hours import (
    HoursRefused,
    approve_hour_entry,
    create_hour_entry,
    decide_hours,
    delete_hour_entry,
    reject_hour_entry,
    update_hour_entry,
    was_active_on,
)
from volunteers.services.lifecycle import (
    BulkRow,
    RenewalCheck,
    bulk_move,
    change_level,
    end_access,
    record_recheck,
    renew_access,
    renewal_checks,
    renewal_problems,
    renewed_expiry,
    rerun_recheck,
    restore_access,
    restore_problems,
    revoke_access,
    suspend_access,
    void_recheck,
)
from volunteers.services.people import move_standing

__all__ = [
    "BulkRow",
    "GateClosed",
    "HoursRefused",
    "RenewalCheck",
    "VolunteerError",
    "approve_hour_entry",
    "ban_person",
    "bulk_move",
    "change_level",
    "create_grant",
    "create_hour_entry",
    "decide_hours",
    "delete_hour_entry",
    "end_access",
    "holds_live_access",
    "lift_ban",
    "move_standing",
    "record_recheck",
    "reject_hour_entry",
    "renew_access",
    "renewal_checks",
    "renewal_problems",
    "renewed_expiry",
    "rerun_recheck",
    "restore_access",
    "restore_problems",
    "revoke_access",
    "standing_ban",
    "suspend_access",
    "update_hour_entry",
    "void_recheck",
    "was_active_on",
]
