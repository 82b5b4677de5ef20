"""Forms of the access lifecycle on the access page and the roster's bulk moves."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications import age
from applications.forms import DateInput
from applications.models import AccessLevel
from facilities.access import Capability, has_capability
from volunteers.models import AccessStatus, CheckOutcome, CheckType, FacilityAccess

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _reason(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PageForm(forms.Form):
    """One of the many forms on the access page: its own ids (`id_prefix`, and the check's
    pk for the per-check ones), so no two fields share an id and each label names its own
    field rather than the first form's field of that name."""

    id_prefix = "action"

    def __init__(self, *args: Any, id_for: Any = None, **kwargs: Any) -> None:
        prefix = f"{self.id_prefix}-{id_for}" if id_for is not None else self.id_prefix
        kwargs.setdefault("auto_id", f"{prefix}-%s")
        super().__init__(*args, **kwargs)


def _not_future(form: forms.Form, name: str) -> None:
    day = form.cleaned_data.get(name)
    if day and day > age.today():
        form.add_error(name, _("This date is in the future."))


class SuspendForm(PageForm):
    id_prefix = "suspend"
    reason = _reason(_("Reason for the suspension"))
    review_on = forms.DateField(
        label=_("Review on (optional)"),
        required=False,
        widget=DateInput(),
        help_text=_("The coordinators' digest reminds you on this day."),
    )

    def clean_review_on(self) -> Any:
        day = self.cleaned_data.get("review_on")
        if day and day <= age.today():
            raise forms.ValidationError(_("The review date must be after today."))
        return day


class RestoreForm(PageForm):
    id_prefix = "restore"
    note = _reason(_("Note (optional)"), required=False)


class BadgeReturnMixin(PageForm):
    """Whether the badge came back, and when: asked of a grant that has a badge."""

    badge_returned = forms.ChoiceField(
        label=_("Badge returned"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    badge_returned_on = forms.DateField(label=_("Returned on"), required=False, widget=DateInput())
    badge_required = True

    def __init__(self, *args: Any, has_badge: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_badge = has_badge
        if not has_badge:
            del self.fields["badge_returned"]
            del self.fields["badge_returned_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_badge:
            data["badge_returned"] = None
            data["badge_returned_on"] = None
            return data
        answer = data.get("badge_returned")
        if not answer and self.badge_required:
            self.add_error("badge_returned", _("Say whether the badge was returned."))
        if answer == "yes" and not data.get("badge_returned_on"):
            self.add_error("badge_returned_on", _("Give the date the badge was returned."))
        _not_future(self, "badge_returned_on")
        data["badge_returned"] = {"yes": True, "no": False}.get(answer or "")
        if not data["badge_returned"]:
            data["badge_returned_on"] = None
        return data


class EndForm(BadgeReturnMixin):
    id_prefix = "end"
    exit_note = _reason(_("Exit note: why the access ends"))
    field_order = ["exit_note", "badge_returned", "badge_returned_on"]


class RevokeForm(BadgeReturnMixin):
    id_prefix = "revoke"
    reason = _reason(_("Reason for the revocation"))
    ban = forms.BooleanField(
        label=_("Also ban statewide"),
        required=False,
        help_text=_("No approval or activation anywhere while the ban stands."),
    )
    badge_required = False
    field_order = ["reason", "ban", "badge_returned", "badge_returned_on"]

    def __init__(self, *args: Any, can_ban: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_ban:
            del self.fields["ban"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.setdefault("ban", False)
        return data


class RenewForm(PageForm):
    """Nothing to type: the new expiry follows from the old one (or today)."""

    id_prefix = "renew"


class LevelForm(PageForm):
    id_prefix = "level"
    level = forms.ChoiceField(label=_("Level in effect"), choices=AccessLevel.choices)
    reason = _reason(_("Reason for the change"))


class RecheckForm(PageForm):
    id_prefix = "recheck"
    check_type = forms.ChoiceField(label=_("Check"), choices=CheckType.choices)
    run_on = forms.DateField(label=_("Date run"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CheckOutcome.choices)
    reference = forms.CharField(label=_("Reference number"), required=False, max_length=60)
    performed_by = forms.CharField(
        label=_("Run by"),
        max_length=120,
        help_text=_("The agency or person who ran the check, e.g. Missouri State Highway Patrol."),
    )

    def clean_run_on(self) -> Any:
        run_on = self.cleaned_data["run_on"]
        if run_on > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return run_on


class RerunForm(RecheckForm):
    """A re-run of one check: its type is the earlier check's."""

    id_prefix = "rerun"

    reason = _reason(_("Why it was run again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["check_type"]


class VoidForm(PageForm):
    id_prefix = "void"
    reason = _reason(_("Why this entry is void"))


BULK_ACTIONS = [
    ("suspend", _("Suspend")),
    ("end", _("End")),
    ("renew", _("Renew")),
]


class BulkForm(forms.Form):
    """The roster's bulk move: which grants, which move, and what the move needs."""

    grants = forms.MultipleChoiceField(
        label=_("Volunteers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one volunteer."),
        },
    )
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    reason = _reason(_("Reason or exit note (suspend, end)"), required=False)
    review_on = forms.DateField(
        label=_("Review on (suspend, optional)"), required=False, widget=DateInput()
    )
    badge_returned = forms.ChoiceField(
        label=_("Badges returned (end)"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    badge_returned_on = forms.DateField(
        label=_("Returned on (end)"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, grants: list[FacilityAccess], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grants"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(g.pk), str(g.person)) for g in grants]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("suspend", "end") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason (suspend) or the exit note (end)."))
        if action == "suspend" and data.get("review_on") and data["review_on"] <= age.today():
            self.add_error("review_on", _("The review date must be after today."))
        if action == "end":
            if data.get("badge_returned") == "yes" and not data.get("badge_returned_on"):
                self.add_error("badge_returned_on", _("Give the date the badges were returned."))
            _not_future(self, "badge_returned_on")
        data["badge_returned"] = {"yes": True, "no": False}.get(data.get("badge_returned") or "")
        return data


def lifecycle_forms(
    grant: FacilityAccess, user: User | Any, bound: dict[str, Any]
) -> dict[str, Any]:
    """The access page's lifecycle forms: the one posted (bound, with its errors) or new."""
    has_badge = bool(grant.badge_number)
    can_ban = has_capability(user, Capability.PROGRAM)
    return {
        "suspend_form": bound.get("suspend") or SuspendForm(),
        "restore_form": bound.get("restore") or RestoreForm(),
        "end_form": bound.get("end") or EndForm(has_badge=has_badge),
        "revoke_form": bound.get("revoke") or RevokeForm(has_badge=has_badge, can_ban=can_ban),
        "level_form": bound.get("level") or LevelForm(initial={"level": grant.level_in_effect}),
        "recheck_form": bound.get("recheck") or RecheckForm(),
        "rerun_form": bound.get("rerun"),
        "rerun_of": bound.get("rerun_of"),
        "void_form": bound.get("void"),
        "void_of": bound.get("void_of"),
        "can_ban": can_ban,
        "may": {
            "suspend": grant.can_transition_to(AccessStatus.SUSPENDED),
            "restore": grant.status == AccessStatus.SUSPENDED,
            "end": grant.can_transition_to(AccessStatus.ENDED),
            "revoke": grant.can_transition_to(AccessStatus.REVOKED),
            "renew": grant.status in (AccessStatus.ACTIVE, AccessStatus.EXPIRED),
            "level": grant.status in (AccessStatus.ACTIVE, AccessStatus.SUSPENDED),
            "recheck": grant.status
            in (
                AccessStatus.PENDING_ACTIVATION,
                AccessStatus.ACTIVE,
                AccessStatus.SUSPENDED,
                AccessStatus.EXPIRED,
            ),
        },
    }
