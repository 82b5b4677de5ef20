from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import FacilityKind, FacilityQuerySet


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or city"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Type of facility"),
        required=False,
        choices=[("", _("All types")), *FacilityKind.choices],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    closed = forms.BooleanField(label=_("Include closed facilities"), required=False)

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions:
            region = self.fields["region"]
            assert isinstance(region, forms.ChoiceField)
            region.choices = [("", _("All regions")), *((r, r) for r in regions)]
        else:
            # Regions are empty in the source data; the filter appears once staff set them.
            del self.fields["region"]

    def filter(self, facilities: FacilityQuerySet) -> FacilityQuerySet:
        """Apply the valid filters; an invalid one is ignored and shown as an error."""
        self.is_valid()  # an invalid filter is dropped (and shown); the valid ones still apply
        data = getattr(self, "cleaned_data", {})  # unbound: no filter
        if not data.get("closed"):
            facilities = facilities.open()
        if data.get("kind"):
            facilities = facilities.filter(kind=data["kind"])
        if data.get("region"):
            facilities = facilities.filter(region__name=data["region"])
        return facilities.search(data.get("q", ""))
