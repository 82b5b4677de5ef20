"""The daily sweep (`manage.py run_daily`): date-driven work, idempotent.

A day's run is recorded; a second run that day does nothing. Each reminder is recorded
too, so it goes out once even if a run is repeated or a day is skipped. Each app
contributes its jobs as a DAILY_JOBS list in its `jobs` module (volunteers.jobs holds the
ones below, screening.jobs the overdue information requests); the sweep runs them in the
order of INSTALLED_APPS, lower apps first.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.languages import rendered_language
from accounts.tasks import send_templated_email
from facilities.models import Membership, ProgramSettings
from volunteers.activation import move_access
from volunteers.compliance import add_months, items_for
from volunteers.models import (
    AccessStatus,
    Course,
    FacilityAccess,
    HourStatus,
    InactivityFlag,
    Reminder,
    SweepRun,
)

SWEEP = "daily sweep"
log = logging.getLogger("pic.sweep")


@dataclass
class Digest:
    """What each coordinator and each person is told today, one e-mail each."""

    coordinators: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    people: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    languages: dict[str, str] = field(default_factory=dict)

    def to_facility(self, facility_id: int, line: str) -> None:
        for email in _coordinator_emails(facility_id):
            self.coordinators[email].append(line)

    def to_person(self, email: str, language: str, line: str) -> None:
        if email:
            self.people[email].append(line)
            self.languages[email] = language


def _coordinator_emails(facility_id: int) -> list[str]:
    return list(
        Membership.objects.filter(facility_id=facility_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _once(item_type: str, item_id: int, days_before: int, due_on: date, today: date) -> bool:
    """Record a reminder; False when it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                item_type=item_type,
                item_id=item_id,
                days_before=days_before,
                due_on=due_on,
                sent_on=today,
            )
    except IntegrityError:
        return False
    return True


once = _once  # the name other apps' jobs use


def expire_access(today: date, digest: Digest) -> int:
    """Lapsed access becomes expired without manual work."""
    lapsed = FacilityAccess.objects.filter(status=AccessStatus.ACTIVE, expires_on__lt=today)
    count = 0
    for grant in lapsed.select_related("person", "facility"):
        move_access(grant=grant, to=AccessStatus.EXPIRED, by=SWEEP, text=_("Access lapsed."))
        digest.to_facility(
            grant.facility_id,
            _("%(name)s: access expired on %(date)s (badge %(badge)s).")
            % {
                "name": grant.person,
                "date": date_format(grant.expires_on or today),  # lapsed: never None
                "badge": grant.badge_number,
            },
        )
        count += 1
    return count


def contact_eligibility(today: date, digest: Digest) -> int:
    """From the 19th birthday, the upgrade is put in front of the coordinators."""
    count = 0
    for grant in FacilityAccess.objects.ready_for_contact(today).select_related("person"):
        assert grant.contact_eligible_on is not None
        if _once("contact_upgrade", grant.pk, 0, grant.contact_eligible_on, today):
            digest.to_facility(
                grant.facility_id,
                _(
                    "%(name)s (badge %(badge)s) is eligible for offender contact from %(date)s: "
                    "the upgrade awaits your decision."
                )
                % {
                    "name": grant.person,
                    "badge": grant.badge_number,
                    "date": date_format(grant.contact_eligible_on),
                },
            )
            count += 1
    return count


def expiring_items(today: date, digest: Digest) -> int:
    """Reminders at 60 and at 7 days (program settings) before a training, TB test or
    access expires: each once, to the person and to their facility's coordinators."""
    settings = ProgramSettings.load()
    first, final = settings.reminder_window_days, settings.final_reminder_days
    count = 0
    # Reminder.item_type holds 30 characters and a course code up to 40: a course by its id.
    course_ids = dict(Course.objects.values_list("code", "pk"))
    grants = FacilityAccess.objects.filter(
        status__in=(AccessStatus.PENDING_ACTIVATION, AccessStatus.ACTIVE, AccessStatus.SUSPENDED)
    ).select_related("person", "facility")
    for grant in grants:
        person = grant.person
        things: list[tuple[str, int, Any, date]] = [
            (
                f"course:{course_ids[item.key]}" if item.key in course_ids else f"item:{item.key}",
                person.pk,
                item.label,
                item.expires_on,
            )
            for item in items_for(grant, today)
            if item.expires_on is not None and item.is_current(today)
        ]
        if grant.status == AccessStatus.ACTIVE and grant.expires_on:
            things.append(("access", grant.pk, gettext_lazy("Facility access"), grant.expires_on))
        for item_type, item_id, label, expires_on in things:
            days_left = (expires_on - today).days
            if days_left < 0 or days_left > first:
                continue
            threshold = final if days_left <= final else first
            line = _expiry_line(label, expires_on, grant.facility.name)
            if _once(item_type, item_id, threshold, expires_on, today):
                # The person's line in the person's language, like the e-mail around it.
                language = rendered_language(person.preferred_language)
                with translation.override(language):
                    own = _expiry_line(label, expires_on, grant.facility.name)
                digest.to_person(person.email, language, own)
                count += 1
            # Coordinators get each item of each of their people once per threshold too.
            if _once(
                f"{item_type}:facility:{grant.facility_id}", item_id, threshold, expires_on, today
            ):
                digest.to_facility(grant.facility_id, f"{person}: {line}")
    return count


def _expiry_line(label: Any, expires_on: date, facility: str) -> str:
    return _("%(item)s expires on %(date)s (%(facility)s).") % {
        "item": str(label),
        "date": date_format(expires_on),
        "facility": facility,
    }


Job = Callable[[date, Digest], int]


def daily_jobs() -> list[Job]:
    """Every installed app's DAILY_JOBS (from its `jobs` module), lower apps first. Looked
    up by name so that this app never imports the apps above it."""
    jobs: list[Job] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.jobs"
        if find_spec(module_name) is not None:
            jobs.extend(getattr(import_module(module_name), "DAILY_JOBS", []))
    return jobs


def run_daily(*, today: date) -> dict[str, Any] | None:
    """Run every job for `today`; None when today's sweep already ran."""
    with transaction.atomic():
        # Claim the day first: a second run started while this one works waits on the
        # unique day, then finds it taken and does nothing (rather than doing the jobs
        # again and failing at the end). The jobs are idempotent by themselves too.
        try:
            with transaction.atomic():
                run = SweepRun.objects.create(day=today)
        except IntegrityError:
            log.info("daily sweep for %s already ran; nothing done", today.isoformat())
            return None
        digest = Digest()
        summary: dict[str, Any] = {job.__name__: job(today, digest) for job in daily_jobs()}
        run.summary = summary
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
        people = dict(digest.people)
        coordinators = dict(digest.coordinators)
        languages = dict(digest.languages)
        transaction.on_commit(lambda: _send(today, people, coordinators, languages))
    summary["emails"] = len(people) + len(coordinators)
    log.info("daily sweep for %s done: %s", today.isoformat(), json.dumps(summary, default=str))
    return summary


def _send(
    today: date,
    people: dict[str, list[str]],
    coordinators: dict[str, list[str]],
    languages: dict[str, str],
) -> None:
    for email, lines in people.items():
        send_templated_email.enqueue(
            to=[email],
            template="reminders",
            context={"lines": lines, "day": today.isoformat()},
            language=languages.get(email, "en"),
        )
    for email, lines in coordinators.items():
        send_templated_email.enqueue(
            to=[email],
            template="coordinator_digest",
            context={"lines": lines, "day": today.isoformat()},
        )


def flag_inactivity(today: date, digest: Digest) -> int:
    """Rule 9: active access with no approved hours for the program setting's months
    (counted from activation when that is later) gets a dated flag, once; a flag whose
    grant has had hours approved since is cleared. Running twice changes nothing."""
    months = ProgramSettings.load().inactivity_months
    cutoff = add_months(today, -months)
    grants = (
        FacilityAccess.objects.filter(status=AccessStatus.ACTIVE, starts_on__isnull=False)
        .annotate(
            last_hours=Max(
                "hour_entries__worked_on", filter=Q(hour_entries__status=HourStatus.APPROVED)
            )
        )
        .select_related("person")
    )
    open_flags = set(
        InactivityFlag.objects.filter(cleared_on__isnull=True).values_list("access_id", flat=True)
    )
    count = 0
    for grant in grants:
        assert grant.starts_on is not None
        last_hours: date | None = grant.last_hours  # type: ignore[attr-defined]
        since = max(grant.starts_on, last_hours) if last_hours else grant.starts_on
        inactive = since <= cutoff
        if inactive and grant.pk not in open_flags:
            InactivityFlag.objects.create(access=grant, flagged_on=today)
            digest.to_facility(
                grant.facility_id,
                _(
                    "%(name)s (badge %(badge)s): no approved service hours since %(date)s; "
                    "access flagged as inactive."
                )
                % {
                    "name": grant.person,
                    "badge": grant.badge_number,
                    "date": f"{since:%B} {since.day}, {since.year}",
                },
            )
            count += 1
        elif not inactive and grant.pk in open_flags:
            InactivityFlag.objects.filter(access=grant, cleared_on__isnull=True).update(
                cleared_on=today
            )
    return count
