"""Writes to the partner-organization registry (the PIC Coordinator keeps it)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from partners.models import CHOOSABLE, Organization, OrganizationStatus, normalize_name


class OrganizationError(Exception):
    """A registry change that is not allowed (the message says why)."""


@transaction.atomic
def find_or_create_unverified(*, name: str, kind: str, by: Any) -> Organization:
    """The registry's organization of that name (a merged one leads to its target), or a new
    unverified one for the PIC Coordinator to verify or merge."""
    key = normalize_name(name)
    found = (
        Organization.objects.filter(normalized_name=key)
        .exclude(status=OrganizationStatus.INACTIVE)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found.current
    organization = Organization.objects.create(name=name.strip()[:200], kind=kind)
    record(by=by, action="partners.organization_named", target=organization)
    return organization


@transaction.atomic
def verify_organization(*, organization: Organization, by: Any) -> Organization:
    """Mark an organization verified, stamping who and when; audited."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status not in CHOOSABLE:
        raise OrganizationError(_("A merged or inactive organization cannot be verified."))
    organization.status = OrganizationStatus.VERIFIED
    organization.verified_by = by if getattr(by, "is_authenticated", False) else None
    organization.verified_at = timezone.now()
    organization.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
    record(by=by, action="partners.organization_verified", target=organization)
    return organization


@transaction.atomic
def merge_organization(*, organization: Organization, into: Organization, by: Any) -> Organization:
    """Fold a duplicate into another organization; applications keep pointing at the old row,
    which now leads to `into` (nothing is rewritten, so the frozen answers stay true)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    into = into.current
    if into.pk == organization.pk or organization.status == OrganizationStatus.MERGED:
        raise OrganizationError(_("Choose another organization to merge into."))
    if into.status not in CHOOSABLE:
        raise OrganizationError(_("An inactive organization cannot take a merge."))
    organization.status = OrganizationStatus.MERGED
    organization.merged_into = into
    organization.save(update_fields=["status", "merged_into", "updated_at"])
    record(
        by=by,
        action="partners.organization_merged",
        target=organization,
        details={"into": str(into.public_id)},
    )
    return organization


@transaction.atomic
def set_organization_inactive(*, organization: Organization, by: Any) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status == OrganizationStatus.MERGED:
        raise OrganizationError(_("A merged organization cannot be changed."))
    organization.status = OrganizationStatus.INACTIVE
    organization.save(update_fields=["status", "updated_at"])
    record(by=by, action="partners.organization_inactive", target=organization)
    return organization
