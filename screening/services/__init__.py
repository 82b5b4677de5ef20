"""Screening writes: review, steps and checks, decisions through the status service,
merging people, paper applications, coordinator accounts.

A package of modules with one public surface: import from `screening.services`.
Approval creates the grant through volunteers.services; statewide bans are written there
too (re-exported here for the person page). Trainings, activation and the access lifecycle
are in volunteers.activation; the daily sweep in volunteers.sweep.
"""

from screening.services.checks import (
    add_background_check,
    record_rerun,
    supersede_check,
    void_check,
)
from screening.services.coordinators import add_coordinator
from screening.services.decisions import (
    GateFacts,
    approval_problems,
    approve_application,
    decline_application,
)
from screening.services.errors import GateClosed, ScreeningError
from screening.services.paper import enter_paper_application
from screening.services.people import dismiss_duplicate, merge_people, merge_problems
from screening.services.review import (
    add_note,
    mark_answered_another_way,
    record_step,
    resolve_conflict,
    start_review,
    waive_step,
)
from volunteers.services import ban_person, lift_ban, standing_ban

__all__ = [
    "GateClosed",
    "GateFacts",
    "ScreeningError",
    "add_background_check",
    "add_coordinator",
    "add_note",
    "approval_problems",
    "approve_application",
    "ban_person",
    "decline_application",
    "dismiss_duplicate",
    "enter_paper_application",
    "lift_ban",
    "mark_answered_another_way",
    "merge_people",
    "merge_problems",
    "record_rerun",
    "record_step",
    "resolve_conflict",
    "standing_ban",
    "start_review",
    "supersede_check",
    "void_check",
    "waive_step",
]
