"""The Spanish catalogue is complete for what applicants read (issue 14, item 4).

Every msgid `makemessages` finds has a non-fuzzy Spanish translation, or is listed in
locale/staff-only.txt (staff pages stay English). The list holds no stale line and nothing an
applicant-facing template or module uses; the compiled catalogue is the committed one.
"""

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
STAFF_ONLY = ROOT / "locale" / "staff-only.txt"
# The README's makemessages command leaves these out; the currency test mirrors it.
NOT_SCANNED = {".venv", "staticfiles", "var", "test-artifacts", "tests", "locale"}

# Where applicants, volunteers and the public read text: every msgid used here is translated.
APPLICANT_FACING = [
    "templates/base.html",
    "templates/_partials/*",
    "templates/home.html",
    "templates/40?.html",
    "templates/403_csrf.html",
    "templates/500.html",
    "templates/applications/*",
    "applications/*.py",
    "applications/services/*",
    "applications/views/*",
    "templates/pdf/application.html",
    "templates/pdf/approval_letter.html",
    "templates/pdf/letter_letterhead.html",
    "templates/pdf/_certificate.html",
    "templates/pdf/certificates.html",
    "templates/pdf/agreement.html",
    "templates/volunteers/portal_*",
    "templates/volunteers/hours_mine.html",
    "templates/volunteers/_hour_totals.html",
    "templates/volunteers/_level.html",
    "templates/volunteers/_items.html",
    "templates/volunteers/kiosk_desk.html",
    "templates/volunteers/kiosk_result.html",
    "templates/volunteers/kiosk_choose.html",
    "templates/outreach/portal_*",
    "templates/outreach/visit_request.html",
    "templates/outreach/visit_apply.html",
    "templates/outreach/visit_status.html",
    "templates/outreach/_visit_form*.html",
    "templates/outreach/_tally.html",
    "templates/facilities/facility_list.html",
    "templates/facilities/facility_detail.html",
    "templates/facilities/_blank_forms.html",
    "templates/partners/*",
    "partners/templates/*",
    "volunteers/views/portal*.py",
    "volunteers/agreement_forms.py",
    "outreach/visit_forms.py",
    "outreach/recognition_pdf.py",
    "templates/emails/*",
    "templates/help/index.html",
    "templates/help/applying.html",
]
# E-mails only staff receive (in English).
STAFF_EMAILS = [
    "templates/emails/coordinator_*",
    "templates/emails/new_application.*",
    "templates/emails/visit_request_new.*",
    "templates/emails/information_answered.*",
    "templates/emails/password_reset.*",
]


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text.strip()[1:-1])


def parse(path: Path) -> list[Entry]:
    """The entries of a .po file (the header left out): enough of the format for ours."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(), ""
        for line in block.strip().splitlines():
            if line.startswith("#:"):
                entry.files |= {ref.rsplit(":", 1)[0] for ref in line[2:].split()}
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif found := re.match(r"(msgid_plural|msgid|msgstr(?:\[(\d)\])?|msgctxt) (.*)", line):
                target = found.group(1)
                value = _unquote(found.group(3))
                if target.startswith("msgstr"):
                    entry.msgstr[int(found.group(2) or 0)] = value
                elif target == "msgid_plural":
                    entry.plural = value
                elif target == "msgid":
                    entry.msgid = value
            elif line.startswith('"'):
                if target.startswith("msgstr"):
                    index = int(target[7]) if "[" in target else 0
                    entry.msgstr[index] += _unquote(line)
                elif target == "msgid":
                    entry.msgid += _unquote(line)
                elif target == "msgid_plural":
                    entry.plural = (entry.plural or "") + _unquote(line)
        if entry.msgid:
            entries.append(entry)
    return entries


def staff_only() -> list[str]:
    lines = STAFF_ONLY.read_text(encoding="utf-8").splitlines()
    escapes = {"n": "\n", "\\": "\\"}
    return [
        re.sub(r"\\(.)", lambda m: escapes[m.group(1)], line)
        for line in lines
        if line and not line.startswith("#")
    ]


def applicant_facing(path: str) -> bool:
    if any(fnmatch.fnmatch(path, pattern) for pattern in STAFF_EMAILS):
        return False
    return any(fnmatch.fnmatch(path, pattern) for pattern in APPLICANT_FACING)


def translated(entry: Entry) -> bool:
    return "fuzzy" not in entry.flags and bool(entry.msgstr) and all(entry.msgstr.values())


def test_every_msgid_is_translated_or_listed_as_staff_only() -> None:
    listed = set(staff_only())
    missing = [e.msgid for e in parse(PO) if not translated(e) and e.msgid not in listed]
    assert missing == [], (
        "Translate these in locale/es/LC_MESSAGES/django.po, or add them to "
        f"locale/staff-only.txt if only staff read them: {missing}"
    )


def test_the_staff_only_list_has_no_stale_or_duplicate_line() -> None:
    msgids = {e.msgid for e in parse(PO)}
    lines = staff_only()
    assert [line for line in lines if line not in msgids] == []
    assert len(lines) == len(set(lines))


def test_no_applicant_facing_msgid_is_listed_as_staff_only() -> None:
    listed = set(staff_only())
    wrong = {
        e.msgid: sorted(f for f in e.files if applicant_facing(f))
        for e in parse(PO)
        if e.msgid in listed and any(applicant_facing(f) for f in e.files)
    }
    assert wrong == {}


def test_a_translated_msgid_is_not_also_listed_as_staff_only() -> None:
    listed = set(staff_only())
    assert [e.msgid for e in parse(PO) if translated(e) and e.msgid in listed] == []


def test_translations_keep_their_placeholders() -> None:
    """`%(name)s` in English is `%(name)s` in Spanish (msgfmt checks python-format too)."""
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in parse(PO):
        if not translated(entry):
            continue
        wanted = set(placeholder.findall(entry.msgid + (entry.plural or "")))
        for text in entry.msgstr.values():
            assert set(placeholder.findall(text)) <= wanted, (entry.msgid, text)
            if entry.plural is None:
                assert set(placeholder.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_compiled_catalogue_is_the_committed_one(tmp_path: Path) -> None:
    """The .mo the suite and the server read (compiled by `make messages` or the test
    plugin, never committed) says what the committed .po says."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    assert PO.with_suffix(".mo").read_bytes() == fresh.read_bytes()


# Run in a subprocess from a mirror of the project whose locale/ is a copy: makemessages
# writes into every locale directory it finds, and must not touch the committed catalogue.
MAKEMESSAGES = """
import os, sys
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pic.settings")
import django
django.setup()
from django.core.management import call_command
from django.test.utils import override_settings
with override_settings(LOCALE_PATHS=[os.path.abspath("locale")]):
    call_command("makemessages", locale=["es"], symlinks=True, no_wrap=True, verbosity=0,
                 ignore_patterns=sys.argv[2:])
"""


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogue_holds_exactly_the_msgids_the_code_uses(tmp_path: Path) -> None:
    """A string added to (or dropped from) a template or module without running makemessages
    fails here, so it cannot reach a page untranslated and unlisted."""
    for item in ROOT.iterdir():
        if item.name not in NOT_SCANNED and not item.name.startswith("."):
            (tmp_path / item.name).symlink_to(item)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    command = [sys.executable, "-c", MAKEMESSAGES, str(ROOT), *sorted(NOT_SCANNED)]
    subprocess.run(command, cwd=tmp_path, env=env, check=True, timeout=120)
    fresh = {(e.msgid, e.plural) for e in parse(tmp_path / PO.relative_to(ROOT))}
    committed = {(e.msgid, e.plural) for e in parse(PO)}
    assert fresh == committed, (
        "Run the README's makemessages command, then translate or list the new msgids. "
        f"New: {sorted(fresh - committed)}; gone: {sorted(committed - fresh)}"
    )
