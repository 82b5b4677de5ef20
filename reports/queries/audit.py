"""The security audit log, filtered for the PIC Coordinator's viewer and its CSV."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applications import age
from audit.models import AuditEvent
from facilities.models import Facility

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Actor (e-mail address, or its beginning)"), required=False, max_length=255
    )
    action = forms.CharField(
        label=_("Action (or its beginning, e.g. screening.)"), required=False, max_length=64
    )
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("All facilities")),
            *Facility.objects.order_by("name").values_list("code", "name"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def events(self) -> QuerySet[AuditEvent]:
        """The rows matching a valid form, newest first (every filter has an index)."""
        data = self.cleaned_data if self.is_bound else {}
        found = AuditEvent.objects.all()
        if data.get("actor"):
            found = found.filter(actor_label__startswith=data["actor"].strip())
        if data.get("action"):
            found = found.filter(action__startswith=data["action"].strip())
        if data.get("facility"):
            found = found.filter(facility_code=data["facility"])
        if data.get("date_from"):
            found = found.filter(
                when__gte=datetime.combine(data["date_from"], time.min, age.DEPARTMENT_TZ)
            )
        if data.get("date_to"):
            end = data["date_to"] + timedelta(days=1)
            found = found.filter(when__lt=datetime.combine(end, time.min, age.DEPARTMENT_TZ))
        return found.order_by("-when", "-id")

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound else {}
        return {key: str(value) for key, value in data.items() if value}


HEADER = [
    "when",
    "action",
    "actor_id",
    "actor",
    "target_type",
    "target_id",
    "target",
    "facility_code",
    "facility",
    "ip_address",
    "details",
]


def csv_rows(events: QuerySet[AuditEvent]) -> Any:
    for event in events.iterator(chunk_size=2000):
        yield [
            event.when.astimezone(age.DEPARTMENT_TZ).isoformat(timespec="seconds"),
            event.action,
            event.actor_id,
            event.actor_label,
            event.target_type,
            event.target_id,
            event.target_label,
            event.facility_code,
            event.facility_label,
            event.ip_address or "",
            _json(event.details),
        ]


def _json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str) if value else ""
