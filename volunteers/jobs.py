"""This app's part of the daily sweep (volunteers.sweep collects every app's DAILY_JOBS)."""

from volunteers.agreement_sweep import agreement_reminders
from volunteers.kiosk import close_open_visits
from volunteers.sweep import (
    Job,
    contact_eligibility,
    expire_access,
    expiring_items,
    flag_inactivity,
)

DAILY_JOBS: list[Job] = [
    expire_access,
    contact_eligibility,
    expiring_items,
    flag_inactivity,
    close_open_visits,
    agreement_reminders,
]
