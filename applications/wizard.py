"""Binding a section's forms to what the applicant posted, stored, or left half-typed."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils.translation import gettext as _

from applications import crypto
from applications import sections as S
from applications.forms import AcknowledgementsForm, IdentityForm, SectionForm
from applications.models import Application, Person
from applications.services import held_identifiers, pending_data


@dataclass
class StepForms:
    section: S.Section
    form: SectionForm
    formset: forms.BaseFormSet[Any] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        if self.formset is None:
            return valid
        valid = self.formset.is_valid() and valid
        if not valid:
            return False
        initial_count = self.formset.initial_form_count()
        self.entries = [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for i, f in enumerate(self.formset.forms)
            if (i < initial_count or f.has_changed()) and not f.cleaned_data.get("DELETE")
        ]
        answer = self.form.cleaned_data.get(_YES_NO[self.section.slug])
        if answer == "yes" and not self.entries:
            self.form.add_error(None, _("You answered yes: add at least one entry below."))
            return False
        if answer == "no" and self.entries:
            self.form.add_error(
                None, _("You answered no: remove the entries below, or answer yes.")
            )
            return False
        return True

    def typed_identifiers(self) -> dict[str, str]:
        """Section 1's identifiers that are valid as typed, to hold while other answers
        still have errors (call after `is_valid()`)."""
        if not isinstance(self.form, IdentityForm):
            return {}
        cleaned = getattr(self.form, "cleaned_data", {})
        return {
            name: str(cleaned[name])
            for name in IdentityForm.SECRET_FIELDS
            if cleaned.get(name) and name not in self.form.errors
        }

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        links = [("", str(e)) for e in self.form.non_field_errors()]
        for name, errors in self.form.errors.items():
            if name != NON_FIELD_ERRORS:
                label = self.form.fields[name].label
                links += [(self.form[name].auto_id, f"{label}: {e}") for e in errors]
        if self.formset is not None:
            links += [("", str(e)) for e in self.formset.non_form_errors()]
            for number, entry in enumerate(self.formset.forms, start=1):
                for name, errors in entry.errors.items():
                    anchor = entry[name].auto_id if name in entry.fields else ""
                    label = entry.fields[name].label if name in entry.fields else ""
                    links += [(anchor, f"{_('Entry')} {number}, {label}: {e}") for e in errors]
        return links


_YES_NO = {S.CRIMINAL_HISTORY: "has_record", S.RELATIONSHIPS: "has_relationships"}


def _querydict(raw: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


def build_step(
    kind: str,
    slug: str,
    data: QueryDict | None = None,
    *,
    initial: dict[str, Any] | None = None,
    entries: list[dict[str, Any]] | None = None,
    person: Person | None = None,
    prefix: str | None = None,
    identifiers: dict[str, dict[str, str]] | None = None,
) -> StepForms:
    """A section's form (and entries formset) for an application of `kind`."""
    section = S.section(kind, slug)
    assert section is not None
    form_class = section.form_class(kind)
    assert form_class is not None
    kwargs: dict[str, Any] = {"kind": kind, "prefix": prefix}
    if form_class is AcknowledgementsForm:
        kwargs["person"] = person
    if form_class is IdentityForm and identifiers:
        kwargs |= identifiers  # on_file / held: endings shown, never the numbers
    form = form_class(data=data, initial=initial or {}, **kwargs)
    formset = None
    if slug in S.FORMSETS:
        entries_prefix = f"{prefix}-entries" if prefix else "entries"
        formset = S.FORMSETS[slug](data=data, initial=entries or [], prefix=entries_prefix)
    return StepForms(section=section, form=form, formset=formset)


def bind(application: Application, slug: str, data: QueryDict | None = None) -> StepForms:
    """The section's forms: bound to `data` (a POST), else to half-typed answers kept from
    an earlier visit (so their errors show again), else unbound with the stored answers."""
    raw = pending_data(application, slug) if data is None else None
    kept = bool(raw)
    if raw:
        data = _querydict(raw)
    values = S.section_values(application, slug)
    identifiers = None
    if slug == S.IDENTITY:
        # Section 1 is edited on the person; show what was last saved there, not the
        # snapshot frozen at submission (that is replaced when a request is answered).
        values = {**S.identity_values(application.person), "ssn": "", "dl_number": ""}
        held = held_identifiers(application)
        data = _with_held(data, held)
        person = application.person
        identifiers = {
            "on_file": {"ssn": person.ssn_last4, "dl_number": person.dl_last4},
            "held": {name: crypto.normalize_identifier(v)[-4:] for name, v in held.items()},
        }
    entries = None
    if slug in S.FORMSETS:
        manager = getattr(application, S.FORMSET_RELATED[slug])
        entries = list(manager.values(*S.ENTRY_FIELDS[slug]))
    step = build_step(
        application.kind,
        slug,
        data,
        initial=values,
        entries=entries,
        person=application.person,
        identifiers=identifiers,
    )
    if kept:
        step.is_valid()  # the half-typed answers come back with every error they had
    return step


def _with_held(data: QueryDict | None, held: dict[str, str]) -> QueryDict | None:
    """An identifier box left empty means "the one typed before", unless "remove" is ticked
    (the page never shows the number, so it cannot be posted back)."""
    if data is None or not held:
        return data
    data = data.copy()
    for name, value in held.items():
        if not data.get(name) and not data.get(f"{name}_remove"):
            data[name] = value
    return data
