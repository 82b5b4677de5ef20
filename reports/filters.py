"""The filters every report page shares, and the scope they resolve to: the facilities the
user holds `view` at (facilities_for), narrowed by facility and region, a period, a kind
and an access level."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from applications import age
from applications.models import AccessLevel, Kind
from facilities.access import Capability, facilities_for
from facilities.models import Facility, Region
from volunteers.compliance import add_months

NO_REGION = "none"
LONGEST_PERIOD_DAYS = 366 * 10


@dataclass(frozen=True)
class Scope:
    facilities: QuerySet[Facility]
    date_from: date
    date_to: date
    kind: str
    level: str
    today: date

    @property
    def start(self) -> datetime:
        """The first moment of the period, in the department's time zone."""
        return datetime.combine(self.date_from, time.min, tzinfo=age.DEPARTMENT_TZ)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, age.DEPARTMENT_TZ)

    @property
    def months(self) -> int:
        """Calendar months the period touches (the FTE divides by them)."""
        return (
            (self.date_to.year - self.date_from.year) * 12
            + self.date_to.month
            - self.date_from.month
            + 1
        )

    def facility_ids(self) -> QuerySet[Facility, Any]:
        return self.facilities.values("pk")

    def as_dict(self) -> dict[str, str]:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "kind": self.kind,
            "level": self.level,
        }

    def level_q(self, prefix: str = "") -> Q:
        """Grants at the filtered level: the effective one once activated, else the approved."""
        if not self.level:
            return Q()
        return Q(**{f"{prefix}level_effective": self.level}) | Q(
            **{f"{prefix}level_effective": "", f"{prefix}level_approved": self.level}
        )


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, today included."""
    return add_months(today, -12) + timedelta(days=1), today


class _ReadOnce(forms.models.ModelChoiceIterator):
    """The facility choices from one query: the template's loop takes their length and
    then iterates, which a plain ModelChoiceIterator answers with COUNT(*) and a read."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        super().__init__(field)
        self._read: list[Any] | None = None

    def __iter__(self) -> Any:
        if self._read is None:
            self._read = list(super().__iter__())
        return iter(self._read)

    def __len__(self) -> int:
        return len(list(iter(self)))


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.none(),
        required=False,
        empty_label=_("All my facilities"),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    level = forms.ChoiceField(
        label=_("Access level"),
        required=False,
        choices=[("", _("All levels")), *AccessLevel.choices],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = age.today()
        mine = facilities_for(user, Capability.VIEW).order_by("name")
        facility = self.fields["facility"]
        assert isinstance(facility, forms.ModelChoiceField)
        facility.queryset = mine
        facility.iterator = _ReadOnce
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [
            ("", _("All regions")),
            *((str(pk), name) for pk, name in Region.objects.values_list("pk", "name")),
            (NO_REGION, _("No region")),
        ]
        start, end = default_period(self.today)
        self.fields["date_from"].initial = start
        self.fields["date_to"].initial = end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period(self.today)
        data["date_from"] = data.get("date_from") or start
        data["date_to"] = data.get("date_to") or end
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif (data["date_to"] - data["date_from"]).days > LONGEST_PERIOD_DAYS:
            self.add_error("date_from", _("Choose a period of ten years or less."))
        return data

    def scope(self) -> Scope:
        """The scope of a valid form (an unbound form: the defaults)."""
        data = self.cleaned_data if self.is_bound else self.clean_unbound()
        facilities = facilities_for(self.user, Capability.VIEW)
        if data.get("facility"):
            facilities = facilities.filter(pk=data["facility"].pk)
        if data.get("region") == NO_REGION:
            facilities = facilities.filter(region__isnull=True)
        elif data.get("region"):
            facilities = facilities.filter(region_id=int(data["region"]))
        return Scope(
            facilities=facilities,
            date_from=data["date_from"],
            date_to=data["date_to"],
            kind=data.get("kind") or "",
            level=data.get("level") or "",
            today=self.today,
        )

    def clean_unbound(self) -> dict[str, Any]:
        start, end = default_period(self.today)
        return {"date_from": start, "date_to": end}


def filter_form(params: Any, user: Any) -> ReportFilterForm:
    """Bound when any filter is in the query string, else unbound (the defaults)."""
    names = set(ReportFilterForm.base_fields)
    bound = any(key in names for key in params)
    return ReportFilterForm(params if bound else None, user=user)
