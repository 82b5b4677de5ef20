"""The application as a PDF: the filled form from the frozen answers, and a blank one to print.

Both come from one template (templates/pdf/application.html), laid out like the department's
paper form: numbered sections, label/answer boxes on a 12-column grid, tables for the
repeatable entries, a signature block, and the reference number and "Page X of Y" on every
page. Labels and answers come from applications.sections (display_rows, entry_rows), so a
question is written once; identity is the masked snapshot taken at submission and nothing is
ever decrypted here. Everything the applicant typed goes through Django's autoescaping.
"""

import contextlib
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.languages import rendered_language
from applications import age, sections
from applications import forms as app_forms
from applications.models import (
    AccessLevel,
    Application,
    CriminalHistoryEntry,
    DocumentKind,
    Kind,
    Relationship,
)

# WeasyPrint logs every layout step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

GRID = 12
# How many of the grid's 12 columns a field's box takes; the rest follow from the field's
# type (see _cell). A row that cannot take the next box is stretched to the right edge.
SPANS: dict[str, int] = {
    # 1. Applicant information
    "first_name": 4,
    "middle_name": 3,
    "last_name": 4,
    "suffix": 1,
    "other_names": 8,
    "date_of_birth": 4,
    "email": 8,
    "phone": 4,
    "street_address": 6,
    "city": 3,
    "state": 1,
    "zip": 2,
    "emergency_contact_name": 5,
    "emergency_contact_phone": 3,
    "emergency_contact_relationship": 4,
    "ssn": 5,
    "dl_number": 4,
    "dl_state": 3,
    # 3. Organisation / school
    "sponsoring_organisation": 12,
    "organisation_name": 12,
    "role": 12,
    "reference_name": 6,
    "reference_relationship": 6,
    "reference_phone": 4,
    "reference_email": 8,
    "school": 6,
    "program": 6,
    "supervisor_name": 4,
    "supervisor_email": 5,
    "supervisor_phone": 3,
    "term_start": 4,
    "term_end": 4,
    "hours_required": 4,
    # 4. Criminal history
    "officer_name": 6,
    "officer_contact": 6,
    # 6. Employment
    "doc_employment_dates": 12,
    "licence_type": 6,
    "licence_number": 3,
    "licence_state": 3,
}
DEFAULT_SPAN = 6
# Help texts worth printing on the blank form (the rest are about the web page).
BLANK_HELP = {
    "other_names",
    "availability",
    "access_level_requested",
    "has_record",
    "licence_type",
}
# Fields shown elsewhere than in their section's grid.
SIGNATURE_FIELD = "signature_name"
# Empty rows printed in the blank form's tables of repeatable entries.
BLANK_ENTRY_ROWS = {sections.CRIMINAL_HISTORY: 4, sections.RELATIONSHIPS: 3}
# Relative widths of the columns of the repeatable-entry tables (per cent).
ENTRY_WIDTHS = {
    sections.CRIMINAL_HISTORY: [13, 19, 21, 17, 30],
    sections.RELATIONSHIPS: [32, 16, 22, 30],
}


@dataclass
class Option:
    label: str
    checked: bool = False


@dataclass
class Cell:
    """One box of the grid. `type`: text, long, question (yes/no), choices, check."""

    type: str
    label: str
    value: str = ""
    span: int = GRID
    options: list[Option] = field(default_factory=list)
    help: str = ""


@dataclass
class Block:
    """A section as printed: its grid rows, entries table, documents and notes."""

    number: int
    title: str
    slug: str
    rows: list[list[Cell]] = field(default_factory=list)
    entries_title: str = ""
    entry_labels: list[str] = field(default_factory=list)
    entry_rows: list[list[str]] = field(default_factory=list)
    entry_widths: list[int] = field(default_factory=list)
    note: str = ""
    extra_title: str = ""
    extra_rows: list[list[Cell]] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    document_kinds: list[dict[str, Any]] = field(default_factory=list)


def _choice_field(form_field: forms.Field) -> forms.ChoiceField | None:
    """The field, if it is a choice among fixed options (not a list from the database)."""
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        return form_field
    return None


def _choices(form_field: forms.ChoiceField) -> list[tuple[str, str]]:
    """(value, label) of each option, without an empty one."""
    choices: Any = form_field.choices
    return [(str(value), str(label)) for value, label in choices if value != ""]


def _options(form_field: forms.ChoiceField, shown: str | None) -> list[Option]:
    """A choice question's options, the one answered (by its displayed label) checked."""
    return [
        Option(label, checked=shown is not None and label == shown)
        for _value, label in _choices(form_field)
    ]


def _cell(name: str, form_field: forms.Field, shown: str | None) -> Cell:
    """The box for one question; `shown` is the displayed answer, None on a blank form."""
    label = str(form_field.label)
    value = shown or ""
    if isinstance(form_field, forms.BooleanField):
        return Cell("check", label, value, options=[Option("", shown == _("Agreed"))])
    choice = _choice_field(form_field)
    if choice is not None:
        options = _options(choice, shown)
        if {value for value, _label in _choices(choice)} == {"yes", "no"}:
            return Cell("question", label, value, options=options)
        return Cell("choices", label, value, SPANS.get(name, GRID), options)
    if isinstance(form_field.widget, forms.Textarea):
        return Cell("long", label, value)
    return Cell("text", label, value, SPANS.get(name, DEFAULT_SPAN))


def _pack(cells: list[Cell]) -> list[list[Cell]]:
    """Lay boxes into rows of 12 columns, stretching a row's last box to the right edge."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    used = 0
    for cell in cells:
        span = min(cell.span, GRID)
        if row and used + span > GRID:
            row[-1].span += GRID - used
            rows.append(row)
            row, used = [], 0
        cell.span = span
        row.append(cell)
        used += span
    if row:
        row[-1].span += GRID - used
        rows.append(row)
    return rows


def _fields(kind: str, slug: str) -> list[tuple[str, forms.Field]]:
    sect = sections.section(kind, slug)
    form_class = sect.form_class(kind) if sect else None
    return list(form_class.base_fields.items()) if form_class else []


def _grid(
    kind: str, slug: str, shown: list[str] | None, *, blank: bool, skip: set[str] | None = None
) -> list[list[Cell]]:
    cells = []
    for index, (name, form_field) in enumerate(_fields(kind, slug)):
        if name in (skip or set()) or name in (SIGNATURE_FIELD,):
            continue
        if getattr(form_field, "screen_only", False):
            continue  # a list from the registry: the name box below carries the answer
        cell = _cell(name, form_field, None if shown is None else shown[index])
        if blank and name in BLANK_HELP and form_field.help_text:
            cell.help = str(form_field.help_text)
        cells.append(cell)
    return _pack(cells)


def _entries_title(slug: str) -> str:
    if slug == sections.CRIMINAL_HISTORY:
        return _(
            "If you answered yes to the first question, list each arrest, charge or "
            "conviction (attach a sheet if you need more rows)."
        )
    return _("If you answered yes, list each person (attach a sheet if you need more rows).")


def _entry_labels(slug: str) -> list[str]:
    """The column labels of a table of entries, as entry_rows gives them."""
    model = CriminalHistoryEntry if slug == sections.CRIMINAL_HISTORY else Relationship
    return [
        str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()
        for name in sections.ENTRY_FIELDS[slug]
    ]


def _block(kind: str, sect: sections.Section, application: Application | None) -> Block:
    blank = application is None
    block = Block(sect.number, str(sect.title), sect.slug)
    shown = None
    if application is not None:
        shown = [value for _label, value in sections.display_rows(application, sect.slug)]
    block.rows = _grid(kind, sect.slug, shown, blank=blank)
    if sect.slug == sections.IDENTITY:
        block.note = _(
            "Privacy Act notice: giving your Social Security number is voluntary. The "
            "department uses it only to confirm your identity for the criminal-history check "
            "and keeps it encrypted."
        )
    if sect.slug == sections.ORGANISATION and blank and kind == Kind.VOLUNTEER:
        # One paper form serves volunteers and reentry partners: print the partner's
        # questions the volunteer form does not ask as a part of its own.
        own = {name for name, _f in _fields(Kind.VOLUNTEER, sect.slug)}
        block.extra_title = _("Reentry partners only: your partner organization")
        block.extra_rows = _grid(Kind.REENTRY_PARTNER, sect.slug, None, blank=True, skip=own)
    if sect.entries:
        block.entries_title = _entries_title(sect.slug)
        block.entry_widths = ENTRY_WIDTHS[sect.slug]
        if application is None:
            block.entry_labels = _entry_labels(sect.slug)
            block.entry_rows = [
                [""] * len(block.entry_labels) for _i in range(BLANK_ENTRY_ROWS[sect.slug])
            ]
        else:
            block.entry_labels, block.entry_rows = sections.entry_rows(application, sect.slug)
    if sect.slug == sections.DOCUMENTS:
        required = app_forms.REQUIRED_DOCUMENTS.get(kind, [])
        block.document_kinds = [
            {"label": str(DocumentKind(k).label), "required": k in required}
            for k in app_forms.DOCUMENT_KINDS[kind]
        ]
        if application is not None:
            block.documents = [
                {
                    "kind": str(document.get_kind_display()),
                    "name": document.original_name,
                    "uploaded": _date(age.today(document.uploaded_at)),
                }
                for document in application.documents.all()
            ]
    return block


def _date(value: date | None) -> str:
    return str(formats.date_format(value, "DATE_FORMAT")) if value else ""


def css_string(text: str) -> SafeString:
    """`text` as a quoted CSS string: everything but letters, digits and spaces escaped."""
    escaped = "".join(
        # The space after an escape ends it and is dropped, so a real space may follow.
        ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x} "
        for ch in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every character outside [A-Za-z0-9 ] escaped


def _context(kind: str, application: Application | None) -> dict[str, Any]:
    title = (application or Application(kind=kind)).form_title
    reference = (application.reference or "") if application else ""
    blocks = [_block(kind, sect, application) for sect in sections.sections_for(kind)]
    if application is None:
        kinds: list[str] = [Kind.VOLUNTEER, Kind.REENTRY_PARTNER]
        if kind == Kind.STUDENT_INTERN:
            kinds = [kind]
        kind_options = [Option(str(Kind(k).label), k == kind and len(kinds) == 1) for k in kinds]
        level_options = [Option(str(label)) for label in AccessLevel.labels]
        applicant = ""
    else:
        kind_options = [Option(str(application.get_kind_display()), True)]
        level_options = [
            Option(str(label), value == application.access_level_requested)
            for value, label in AccessLevel.choices
        ]
        identity = sections.section_values(application, sections.IDENTITY)
        applicant = " ".join(
            str(identity.get(n) or "")
            for n in ("first_name", "middle_name", "last_name", "suffix")
            if identity.get(n)
        )
    department = _("Missouri Department of Corrections")
    program = _("Partners in Corrections")
    return {
        "blank": application is None,
        "application": application,
        "kind": kind,
        "form_title": title,
        "department": department,
        "program": program,
        "reference": reference,
        "applicant": applicant,
        "facility": application.facility.name if application else "",
        "kind_options": kind_options,
        "level_options": level_options,
        "serves_partners": application is None and kind != Kind.STUDENT_INTERN,
        "received_on": _date(age.today(application.submitted_at))
        if application and application.submitted_at
        else "",
        "channel": str(application.get_channel_display()) if application else "",
        "blocks": blocks,
        "signature_name": application.signature_name if application else "",
        "signed_on": _date(application.signed_on) if application else "",
        "revised_on": _date(application.revised_on) if application else "",
        "css": {
            "header_left": css_string(f"{department} \u2014 {program}"),
            "header_right": css_string(title),
            "reference": css_string(
                _("Reference %(reference)s") % {"reference": reference}
                if reference
                else _("Reference ____________________")
            ),
            "page": css_string(_("Page")),
            "of": css_string(_("of")),
            "footer_center": css_string(
                _("Revised %(date)s") % {"date": _date(application.revised_on)}
                if application and application.revised_on
                else ""
            ),
        },
    }


def is_static_file(url: str) -> bool:
    """Whether `url` names a file in the project's static folder (all a PDF may load)."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    static = (Path(settings.BASE_DIR) / "static").resolve()
    return Path(unquote(parsed.path)).resolve().is_relative_to(static)


def url_fetcher() -> Any:
    """WeasyPrint's fetcher, refusing every URL but the project's static files."""
    from weasyprint.urls import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not is_static_file(url):
                raise ValueError(f"A PDF may not load {url!r}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=["file"], allow_redirects=False)


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it takes about a second

    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher())
    return bytes(document.write_pdf(pdf_tags=True))


def _render(context: dict[str, Any]) -> bytes:
    return _write_pdf(render_to_string("pdf/application.html", context))


def signed_language(application: Application) -> str:
    """The language the application is rendered in by default: the one it was signed in,
    else (keyed in from paper, or a draft) the person's preferred language."""
    return rendered_language(application.signed_language or application.person.preferred_language)


def application_pdf(application: Application, language: str | None = None) -> bytes:
    """The filled form, from the answers as submitted (or as last revised), in the language
    it was signed in unless `language` asks for another rendering (staff read English)."""
    shown = rendered_language(language or signed_language(application))
    with translation.override(shown):
        html = render_to_string("pdf/application.html", _context(application.kind, application))
    return _stored_pdf(application, html, shown)


STORED_PDFS = "application-pdfs"


def _stored_folder(application: Application) -> str:
    return f"{STORED_PDFS}/{application.pk}"


def forget_stored_pdfs(application: Application) -> int:
    """Delete every stored rendering of `application` (retention: a kept PDF would keep the
    answers it shows). Returns how many files went."""
    storage = storages["private"]
    folder = _stored_folder(application)
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # never downloaded
        return 0
    for name in files:
        storage.delete(f"{folder}/{name}")
    return len(files)


def _stored_pdf(application: Application, html: str, language: str) -> bytes:
    """The PDF of `html`, rendered once and then read from storage (issue 11: a render takes
    about a second of CPU; every download of unchanged answers is the same document).

    The name is a hash of the page as rendered (every answer, label and translation it shows)
    and of the files it is laid out with (styles, images: blank_forms_key), so a revision of
    the answers, a change of template or a deploy that changes the form renders it anew. It
    sits in the private default storage, under the application, beside its documents; a
    new rendering replaces the older ones of its language (a revision's old answers are not
    kept as a file), and retention deletes them all (forget_stored_pdfs).
    """
    from weasyprint import __version__ as weasyprint_version

    digest = hashlib.sha256()
    for part in (blank_forms_key(), weasyprint_version, html):
        digest.update(part.encode())
        digest.update(b"\0")
    folder = _stored_folder(application)
    name = f"{folder}/{language}-{digest.hexdigest()[:32]}.pdf"
    # The private storage, like the uploads: the file holds every answer and identifier.
    storage = storages["private"]
    content, rendered = _kept(storage, name, lambda: _write_pdf(html))
    if not rendered:
        return content
    with contextlib.suppress(FileNotFoundError):
        for older in storage.listdir(folder)[1]:
            if older.startswith(f"{language}-") and f"{folder}/{older}" != name:
                storage.delete(f"{folder}/{older}")
    return content


def blank_form_pdf(kind: str) -> bytes:
    """A blank form to print and fill by hand, in the active language.

    `volunteer` (and `reentry_partner`) give the Application for Facility Access, which
    serves both; `student_intern` the Volunteer/Student Intern Application.
    """
    if kind == Kind.REENTRY_PARTNER:
        kind = Kind.VOLUNTEER
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind {kind!r}")
    return _render(_context(kind, None))


# What a blank form is made of: its templates, styles and images, the field labels and the
# translations. A deploy that changes any of them changes the key, so the form is rendered
# again once; otherwise it is read from storage (issue 11: blank forms took ~0.5 s each).
_BLANK_FORM_SOURCES = (
    "templates/pdf",
    "static/img",
    "locale",
    "applications/pdf.py",
    "applications/forms.py",
    "applications/sections.py",
)


@cache
def blank_forms_key() -> str:
    """A hash of every file a blank form is rendered from (computed once per process)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for source in _BLANK_FORM_SOURCES:
        path = base / source
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(base)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def stored_blank_form_pdf(kind: str) -> bytes:
    """blank_form_pdf(), rendered once per deploy and language, then read from storage."""
    if kind == Kind.REENTRY_PARTNER:
        kind = Kind.VOLUNTEER
    language = rendered_language(translation.get_language() or settings.LANGUAGE_CODE)
    name = f"blank-forms/{blank_forms_key()}/{language}/{kind}.pdf"
    return _kept(storages["default"], name, lambda: blank_form_pdf(kind))[0]


def _kept(storage: Any, name: str, render: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The file `name` from `storage`, or `render()` saved under it; and whether it was
    rendered now. Two first requests at once both render; the storage keeps one."""
    if storage.exists(name):
        with storage.open(name, "rb") as stored:
            return bytes(stored.read()), False
    content = render()
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    return content, True
