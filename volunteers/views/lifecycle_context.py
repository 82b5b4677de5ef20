"""What the access page shows of the lifecycle: its forms, the grant's background checks,
what renewal and restoring rely on."""

from datetime import date
from typing import Any

from volunteers import services
from volunteers.lifecycle_forms import RerunForm, VoidForm, lifecycle_forms
from volunteers.models import AccessStatus, FacilityAccess
from volunteers.services.lifecycle import renewal_opens_on


def lifecycle_context(
    grant: FacilityAccess, user: Any, today: date, bound: dict[str, Any]
) -> dict[str, Any]:
    renewable = grant.status in (AccessStatus.ACTIVE, AccessStatus.EXPIRED)
    checks = list(grant.checks.select_related("superseded_by"))
    for check in checks:  # each check's own blank forms: ids unique on the page
        check.blank_rerun = RerunForm(id_for=check.pk)  # type: ignore[attr-defined]
        check.blank_void = VoidForm(id_for=check.pk)  # type: ignore[attr-defined]
    return {
        **lifecycle_forms(grant, user, bound),
        "checks": checks,
        "renewal_checks": services.renewal_checks(grant, today) if renewable else [],
        "renewal_problems": services.renewal_problems(grant, today) if renewable else [],
        "renewal_opens_on": renewal_opens_on(grant),
        "renewed_expiry": services.renewed_expiry(grant, today) if renewable else None,
        "restore_problems": services.restore_problems(grant, today)
        if grant.status == AccessStatus.SUSPENDED
        else [],
    }
