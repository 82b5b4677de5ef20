"""Sign-in lockout: django-axes per account and address together, and a slower limit per
account from the audit log, against guessing spread over many addresses.

axes locks the pair (account, address) after `AXES_FAILURE_LIMIT` failures for
`AXES_COOLOFF_TIME`, so a stranger elsewhere cannot lock a coordinator out. The account
limit counts every failed sign-in for that name in the audit log (which records them all)
since the window opened, the account's last sign-in or its last unlock, whichever is latest.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User, normalize_email
from audit.context import client_ip
from audit.models import AuditEvent
from audit.services import record

SIGN_IN_FAILED = "auth.sign_in_failed"
UNLOCKED = "auth.unlocked"


def username_tried(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name axes counts failures under: the e-mail as the sign-in form normalizes it, so
    "Coord@X" and "coord@x " share one count."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return normalize_email(str(raw or ""))


def client_address(request: HttpRequest) -> str:
    return client_ip(request) or ""


def _cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def _failures() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(action=SIGN_IN_FAILED)


def _lifts_at(failures: QuerySet[AuditEvent], *, limit: int, hours: int) -> datetime | None:
    """When a limit of `limit` failures in `hours` lifts, or None when it is not reached:
    once the oldest failure that keeps it reached leaves the window."""
    whens = list(failures.order_by("-when").values_list("when", flat=True)[:limit])
    if len(whens) < limit:
        return None
    return whens[-1] + timedelta(hours=hours)


def _account_failures(email: str, now: datetime) -> QuerySet[AuditEvent]:
    """Failures for `email` since the window opened, its last unlock or its last sign-in."""
    hours = settings.PIC_ACCOUNT_FAILURE_WINDOW_HOURS
    since = now - timedelta(hours=hours)
    unlocked = (
        AuditEvent.objects.filter(action=UNLOCKED, target_label=email, when__gte=since)
        .order_by("-when")
        .values_list("when", flat=True)
        .first()
    )
    user = User.objects.filter(email__iexact=email).only("pk", "last_login").first()
    candidates = [since, unlocked, user.last_login if user else None]
    start = max(moment for moment in candidates if moment is not None)
    return _failures().filter(target_label=email, when__gte=start)


def _address_failures(ip: str, now: datetime) -> QuerySet[AuditEvent]:
    """Failures from `ip`, whatever the account, since the window opened or its last unlock."""
    since = now - timedelta(hours=settings.PIC_ADDRESS_FAILURE_WINDOW_HOURS)
    unlocked = (
        AuditEvent.objects.filter(action=UNLOCKED, details__ip=ip, when__gte=since)
        .order_by("-when")
        .values_list("when", flat=True)
        .first()
    )
    return _failures().filter(ip_address=ip, when__gte=max(since, unlocked or since))


def account_locked_until(email: str, *, now: datetime | None = None) -> datetime | None:
    """When the per-account limit (failures from anywhere) lifts for `email`, or None."""
    if not settings.PIC_RATE_LIMITS or not email:
        return None
    failures = _account_failures(normalize_email(email), now or timezone.now())
    limit, hours = settings.PIC_ACCOUNT_FAILURE_LIMIT, settings.PIC_ACCOUNT_FAILURE_WINDOW_HOURS
    return _lifts_at(failures, limit=limit, hours=hours)


def address_locked_until(ip: str, *, now: datetime | None = None) -> datetime | None:
    """When the per-address limit (failures for any account: credential stuffing) lifts."""
    if not settings.PIC_RATE_LIMITS or not ip:
        return None
    failures = _address_failures(ip, now or timezone.now())
    limit, hours = settings.PIC_ADDRESS_FAILURE_LIMIT, settings.PIC_ADDRESS_FAILURE_WINDOW_HOURS
    return _lifts_at(failures, limit=limit, hours=hours)


def pair_locked_until(email: str, ip: str) -> datetime | None:
    """When axes lets `email` try again from `ip`, or None when the pair is not locked."""
    attempt = (
        AccessAttempt.objects.filter(username=normalize_email(email), ip_address=ip or None)
        .order_by("-attempt_time")
        .first()
    )
    if attempt is None or attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return None
    until: datetime = attempt.attempt_time + _cooloff()
    return until if until > timezone.now() else None


def locked_out_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page axes answers a locked sign-in with: when to try again, and what else to do."""
    email = username_tried(request, credentials)
    until = pair_locked_until(email, client_address(request)) or timezone.now() + _cooloff()
    return locked_out_page(request, until)


def locked_out_page(request: HttpRequest, until: datetime) -> HttpResponse:
    minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
    context = {"retry_at": until, "minutes": minutes}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@dataclass(frozen=True)
class Lock:
    """A locked sign-in: one account from one address (axes), or the account itself."""

    email: str  # empty for an address locked for every account
    ip: str  # empty for an account locked from every address
    failures: int
    until: datetime


def locks(*, now: datetime | None = None) -> list[Lock]:
    """Every lock in force (pairs, then accounts, then addresses), for the unlock page."""
    moment = now or timezone.now()
    pairs = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=moment - _cooloff(),
    ).order_by("username", "ip_address")
    found = [
        Lock(
            email=attempt.username or "",
            ip=attempt.ip_address or "",
            failures=attempt.failures_since_start,
            until=attempt.attempt_time + _cooloff(),
        )
        for attempt in pairs
    ]
    found += _held(moment, "target_label", settings.PIC_ACCOUNT_FAILURE_LIMIT)
    found += _held(moment, "ip_address", settings.PIC_ADDRESS_FAILURE_LIMIT)
    return found


def _held(moment: datetime, column: str, limit: int) -> list[Lock]:
    """The accounts (or addresses) over their own limit: candidates by one count over the
    widest window, then each checked exactly."""
    hours = max(
        settings.PIC_ACCOUNT_FAILURE_WINDOW_HOURS, settings.PIC_ADDRESS_FAILURE_WINDOW_HOURS
    )
    rows = _failures().filter(when__gte=moment - timedelta(hours=hours))
    rows = rows.exclude(**{f"{column}__isnull": True})
    if column == "target_label":  # a sign-in with no name typed locks no account
        rows = rows.exclude(target_label="")
    candidates = (
        rows.values(column)
        .annotate(failures=Count("id"))
        .filter(failures__gte=limit)
        .order_by(column)
        .values_list(column, flat=True)
    )
    held = []
    for value in candidates:
        if column == "target_label":
            until = account_locked_until(value, now=moment)
            failures = _account_failures(value, moment)
            lock = Lock(email=value, ip="", failures=failures.count(), until=until or moment)
        else:
            until = address_locked_until(value, now=moment)
            failures = _address_failures(value, moment)
            lock = Lock(email="", ip=value, failures=failures.count(), until=until or moment)
        if until is not None:
            held.append(lock)
    return held


@transaction.atomic
def unlock(*, email: str, ip: str, by: Any) -> None:
    """Lift a lock, audited: `email` from `ip` (axes), `email` from anywhere (axes and the
    per-account limit) or, with no e-mail, the address `ip` for every account."""
    email = normalize_email(email)
    if email and ip:
        reset(username=email, ip=ip)
    elif email:
        reset(username=email)
    elif ip:
        reset(ip=ip)
    else:
        return
    record(by=by, action=UNLOCKED, target=email or None, details={"ip": ip} if ip else None)
