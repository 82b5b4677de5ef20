"""Screening: steps and background checks. What follows approval (facility access, bans,
trainings) is in volunteers.models."""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Kind

# The check choices live with the grant's re-checks (volunteers), which may not import
# screening; screening's checks use the same ones.
from volunteers.models import CheckOutcome, CheckType


class StepKind(models.TextChoices):
    COMPLETENESS = "completeness", _("Completeness review")
    BACKGROUND_CHECK = "background_check", _("Background check")
    INTERVIEW = "interview", _("Interview")
    SCHOOL_VERIFICATION = "school_verification", _("School verification")
    ORGANISATION_VERIFICATION = "organisation_verification", _("Organization verification")


class StepRequirement(models.Model):
    """Which steps an application of a kind needs (the PIC Coordinator edits these)."""

    application_kind = models.CharField(max_length=20, choices=Kind.choices)
    step_kind = models.CharField(max_length=32, choices=StepKind.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application_kind", "order", "step_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["application_kind", "step_kind"], name="step_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(application_kind__in=Kind.values),
                name="step_requirement_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(step_kind__in=StepKind.values),
                name="step_requirement_step_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_application_kind_display()}: {self.get_step_kind_display()}"


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    WAIVED = "waived", _("Waived")


class ScreeningStep(models.Model):
    """One required step of one application, copied from the requirements at review start."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="screening_steps"
    )
    step_kind = models.CharField(max_length=32, choices=StepKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.PENDING)
    occurred_on = models.DateField(null=True, blank=True)
    conducted_by = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    waive_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step_kind"], name="screening_step_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(step_kind__in=StepKind.values), name="screening_step_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=StepState.values), name="screening_step_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state=StepState.WAIVED) | ~models.Q(waive_reason=""),
                name="screening_step_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_kind_display()}: {self.get_state_display()}"

    @property
    def is_done(self) -> bool:
        return self.state in (StepState.PASSED, StepState.WAIVED)


class BackgroundCheckQuerySet(models.QuerySet["BackgroundCheck"]):
    def current(self) -> "BackgroundCheckQuerySet":
        """Checks that count: neither superseded by a re-run nor voided (DESIGN: steps)."""
        return self.filter(superseded_by__isnull=True, voided_at__isnull=True)

    def all_cleared(self) -> bool:
        """Whether a background-check step may pass: at least one current check, and every
        current check cleared."""
        current = self.current()
        return current.exists() and not current.exclude(outcome=CheckOutcome.CLEARED).exists()


class BackgroundCheck(models.Model):
    """The result of one check; the raw criminal-history report is never stored (rule 6).

    Never edited: a check is corrected by a later re-run of the same type that supersedes
    it, or voided with a reason when it was entered by mistake; either way it stays.
    """

    step = models.ForeignKey(ScreeningStep, on_delete=models.CASCADE, related_name="checks")
    check_type = models.CharField(max_length=12, choices=CheckType.choices)
    run_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=CheckOutcome.choices)
    reference = models.CharField(max_length=60, blank=True)
    # Who ran it (the agency or person, DESIGN rule 6), not who keyed it in (recorded_by).
    # Blank only on checks recorded before the field existed.
    performed_by = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    supersede_reason = models.TextField(blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = BackgroundCheckQuerySet.as_manager()

    class Meta:
        ordering = ["run_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_type__in=CheckType.values), name="check_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values), name="check_outcome_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(superseded_by__isnull=True) | ~models.Q(supersede_reason=""),
                name="check_supersede_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="check_void_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(superseded_by__isnull=True) | models.Q(voided_at__isnull=True),
                name="check_superseded_or_voided_not_both",
            ),
        ]

    def __str__(self) -> str:
        run_on = date_format(self.run_on)
        return f"{self.get_check_type_display()} {run_on}: {self.get_outcome_display()}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None and self.voided_at is None
