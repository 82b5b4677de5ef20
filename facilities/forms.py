from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityKind, FacilityQuerySet, natural_key


class NaturalOrderIterator(ModelChoiceIterator):
    """The choices of a facility field in natural order of their labels (the database sorts
    "District 12" before "District 2").

    Read once per form: a select's rendering iterates its choices twice (the options, and
    whether the first is empty for `required`), and each pass was a query. Only the columns
    a choice shows (its label is the facility's name and code) are read: a whole row parses
    three phone numbers, for each of some seventy facilities, on every pass."""

    def __init__(self, field: forms.ModelChoiceField[Any]) -> None:
        super().__init__(field)
        self._choices: list[tuple[ModelChoiceIteratorValue | str, str]] | None = None

    def __iter__(self) -> Iterator[tuple[ModelChoiceIteratorValue | str, str]]:
        if self._choices is None:
            if type(self.field).label_from_instance is forms.ModelChoiceField.label_from_instance:
                columns = {"pk", "code", "name", self.field.to_field_name or "pk"}
                self.queryset = self.queryset.only(*columns)
            choices = list(super().__iter__())
            empty = choices[:1] if self.field.empty_label is not None else []
            rest = sorted(choices[len(empty) :], key=lambda choice: natural_key(str(choice[1])))
            self._choices = [*empty, *rest]
        yield from self._choices


class ListedNaturalOrderIterator(NaturalOrderIterator):
    """The same choices, whose number is also read once: a template's {% for %} asks it
    first, which a ModelChoiceIterator answers with a COUNT query of its own."""

    def __len__(self) -> int:
        return sum(1 for _choice in self)  # the choices read once, above


class FacilityChoiceField(forms.ModelChoiceField[Facility]):
    """Every form's choice of one facility, in natural order."""

    iterator = NaturalOrderIterator


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

    def cache_key(self) -> str:
        """The valid filters, as the key of the results they select (an invalid one is
        dropped, as filter() drops it)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return repr([data.get(name) or "" for name in ("q", "kind", "region", "closed")])

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


class UnlockForm(forms.Form):
    """Which lock the PIC Coordinator lifts: one account from one address, or the account."""

    email = forms.EmailField(max_length=254, required=False)
    ip = forms.GenericIPAddressField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("email") and not cleaned.get("ip"):
            raise forms.ValidationError(_("Name an account, an address or both."))
        return cleaned
