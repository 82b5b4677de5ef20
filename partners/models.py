"""The partner-organization registry: reentry agencies, faith groups, employers, schools,
government offices; read by applications and screening."""

import re
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    NONPROFIT = "nonprofit", _("Nonprofit")
    FAITH_GROUP = "faith_based", _("Faith group")
    EMPLOYER = "employer", _("Employer")
    SCHOOL = "school", _("School")
    GOVERNMENT = "government", _("Government")


class OrganizationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified yet")
    VERIFIED = "verified", _("Verified")
    MERGED = "merged", _("Merged into another")
    INACTIVE = "inactive", _("Inactive")


# Organizations an applicant may still choose: a merged or inactive one is not offered.
CHOOSABLE = (OrganizationStatus.UNVERIFIED, OrganizationStatus.VERIFIED)


def normalize_name(name: str) -> str:
    """The name as compared for "is this one already in the registry"."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def choosable(self, kinds: list[str] | None = None) -> "OrganizationQuerySet":
        found = self.filter(status__in=CHOOSABLE)
        return found.filter(kind__in=kinds) if kinds else found

    def search(self, text: str) -> "OrganizationQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(city__icontains=text))


class Organization(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True, default="MO")
    zip = models.CharField(_("ZIP code"), max_length=10, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.UNVERIFIED,
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["normalized_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values),
                name="organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrganizationStatus.values),
                name="organization_status_valid",
            ),
            # A merged organization always names the one it went into, and only it does.
            models.CheckConstraint(
                condition=(
                    models.Q(status=OrganizationStatus.MERGED, merged_into__isnull=False)
                    | (~models.Q(status=OrganizationStatus.MERGED) & models.Q(merged_into=None))
                ),
                name="organization_merged_names_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column, not logic: kept in step with the name for exact-match lookups.
        self.normalized_name = normalize_name(self.name)
        if (fields := kwargs.get("update_fields")) is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "normalized_name"}
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.status == OrganizationStatus.VERIFIED

    @property
    def current(self) -> "Organization":
        """The organization this one now stands for (following merges)."""
        found = self
        while found.merged_into_id is not None and found.merged_into is not None:
            found = found.merged_into
        return found
