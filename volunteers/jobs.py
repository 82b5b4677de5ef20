"""This app's part of the daily sweep (volunteers.sweep collects every app's DAILY_JOBS)."""

from volunteers.agreement_sweep import agreement_reminders
from volunteers.sweep import Job, contact_eligibility, expire_access, expiring_items

DAILY_JOBS: list[Job] = [expire_access, contact_eligibility, expiring_items, agreement_reminders]
