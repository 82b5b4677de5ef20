"""The facility directory loader: facilities/loading.py and `manage.py load_facilities`."""

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from phonenumber_field.phonenumber import PhoneNumber

from audit.models import AuditEvent
from facilities.loading import COLUMNS, LoadError, LoadReport, load_facilities
from facilities.management.commands.load_facilities import DEFAULT_CSV
from facilities.models import Facility, FacilityKind, FacilityStatus, Region

pytestmark = pytest.mark.django_db

BUNDLED_CSV = Path(__file__).resolve().parents[2] / "facilities" / "data" / "facilities.csv"
HEADER = ",".join(COLUMNS)
ACC_ROW = (
    "ACC,Algoa Correctional Center,adult_institution,DAI,,Jefferson City,"
    "8501 No More Victims Road,65101,(573) 751-3911,minimum,men,open,,https://example.org/acc"
)
BCC_ROW = (
    "BCC,Boonville Correctional Center,adult_institution,DAI,,Boonville,"
    "1216 E. Morgan St.,65233,(660) 882-6521,minimum (C-1),men,open,,https://example.org/bcc"
)
PP02_ROW = (
    "PP02,Probation & Parole District 2 - Chillicothe,probation_parole_office,P&P,,"
    "Chillicothe,,,,,men and women,open,,https://example.org/pp02"
)


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def load_text(text: str) -> LoadReport:
    return load_facilities(io.StringIO(text), by="tests")


def load_bundled() -> LoadReport:
    with BUNDLED_CSV.open(encoding="utf-8-sig", newline="") as stream:
        return load_facilities(stream, by="tests")


def snapshot() -> list[dict[str, Any]]:
    """Every facility, every column: what "the table exactly as before" means."""
    return [
        {**row, "phone": str(row["phone"])} for row in Facility.objects.order_by("code").values()
    ]


def test_the_command_default_is_the_bundled_file() -> None:
    assert Path(DEFAULT_CSV).resolve() == BUNDLED_CSV
    assert BUNDLED_CSV.is_file()


def test_fresh_load_of_the_bundled_file() -> None:
    report = load_bundled()

    assert (len(report.created), len(report.updated), len(report.unchanged)) == (73, 0, 0)
    assert str(report) == "73 created, 0 updated, 0 unchanged"
    assert Facility.objects.count() == 73
    kinds = Counter(Facility.objects.values_list("kind", flat=True))
    assert kinds == {
        FacilityKind.ADULT_INSTITUTION: 22,
        FacilityKind.COMMUNITY_SUPERVISION_CENTER: 6,
        FacilityKind.TRANSITION_CENTER: 2,
        FacilityKind.COMMUNITY_RELEASE_CENTER: 1,
        FacilityKind.PROBATION_PAROLE_OFFICE: 41,
        FacilityKind.CENTRAL_OFFICE: 1,
    }
    assert set(
        Facility.objects.filter(status=FacilityStatus.CLOSED).values_list("code", flat=True)
    ) == {"WMCC", "KCRC", "CTCC", "SLCRC"}


def test_fresh_load_parses_known_values() -> None:
    load_bundled()

    acc = Facility.objects.get(code="ACC")
    assert acc.name == "Algoa Correctional Center"
    assert acc.kind == FacilityKind.ADULT_INSTITUTION
    assert acc.division == "DAI"
    assert acc.city == "Jefferson City"
    assert acc.zip == "65101"
    assert isinstance(acc.phone, PhoneNumber)
    assert acc.phone.as_e164 == "+15737513911"
    assert acc.region is None
    assert acc.source_url == "https://donotpay.com/learn/algoa-correctional-center/"
    # A quoted cell with commas stays one value.
    erdcc = Facility.objects.get(code="ERDCC")
    assert erdcc.name == "Eastern Reception, Diagnostic and Correctional Center"
    assert erdcc.custody_levels == "minimum, medium, maximum; reception/diagnostic"
    # An empty phone cell is no phone, not an invalid one.
    assert Facility.objects.get(code="CCC").phone == ""
    assert Facility.objects.get(code="DOCHQ").phone.as_e164 == "+15737512389"


@pytest.mark.parametrize(
    ("code", "required"),
    [
        ("ACC", True),  # adult institution
        ("WMCC", True),  # a closed adult institution too
        ("PP01", True),  # community supervision center
        ("TCSTL", True),  # transition center
        ("SLCRC", True),  # community release center
        ("PP02", False),  # Probation & Parole office
        ("PPEP", False),
        ("DOCHQ", False),  # central office
    ],
)
def test_fresh_load_sets_tb_test_required_by_kind(code: str, required: bool) -> None:
    load_bundled()

    assert Facility.objects.get(code=code).tb_test_required is required


def test_load_is_audited() -> None:
    load_text(csv_text(ACC_ROW, BCC_ROW))

    event = AuditEvent.objects.get(action="facilities.directory_loaded")
    assert event.actor_label == "tests"
    assert event.details["created"] == ["ACC", "BCC"]


def test_second_load_changes_nothing() -> None:
    load_bundled()
    before = dict(Facility.objects.values_list("code", "updated_at"))
    rows_before = snapshot()

    report = load_bundled()

    assert str(report) == "0 created, 0 updated, 73 unchanged"
    assert report.created == []
    assert report.updated == []
    assert dict(Facility.objects.values_list("code", "updated_at")) == before
    assert snapshot() == rows_before


def test_an_edited_row_updates_only_that_facility() -> None:
    load_text(csv_text(ACC_ROW, BCC_ROW))
    bcc_before = Facility.objects.get(code="BCC")
    acc_updated_at = Facility.objects.get(code="ACC").updated_at
    edited = BCC_ROW.replace("(660) 882-6521", "(660) 882-9999").replace(
        "minimum (C-1)", '"minimum, medium"'
    )

    report = load_text(csv_text(ACC_ROW, edited))

    assert (report.created, report.updated, report.unchanged) == ([], ["BCC"], ["ACC"])
    bcc = Facility.objects.get(code="BCC")
    assert bcc.phone.as_e164 == "+16608829999"
    assert bcc.custody_levels == "minimum, medium"
    assert bcc.name == bcc_before.name
    assert bcc.updated_at > bcc_before.updated_at
    assert Facility.objects.get(code="ACC").updated_at == acc_updated_at


def test_a_status_change_in_the_file_closes_the_facility() -> None:
    load_text(csv_text(ACC_ROW))

    load_text(csv_text(ACC_ROW.replace(",open,,", ",closed,closed 2030,")))

    acc = Facility.objects.get(code="ACC")
    assert acc.status == FacilityStatus.CLOSED
    assert acc.status_note == "closed 2030"


def test_an_empty_cell_never_overwrites_a_region_set_in_the_app() -> None:
    load_bundled()
    acc = Facility.objects.get(code="ACC")
    acc.region = Region.objects.create(name="Central")
    acc.save()

    report = load_bundled()

    assert Facility.objects.get(code="ACC").region.name == "Central"
    assert "ACC" in report.unchanged
    assert len(report.unchanged) == 73


def test_an_empty_cell_never_overwrites_a_phone_set_in_the_app() -> None:
    load_text(csv_text(PP02_ROW))
    pp02 = Facility.objects.get(code="PP02")
    assert pp02.phone == ""
    pp02.phone = "+16606461234"
    pp02.street_address = "1 Main St."
    pp02.save()

    report = load_text(csv_text(PP02_ROW))

    pp02.refresh_from_db()
    assert pp02.phone.as_e164 == "+16606461234"
    assert pp02.street_address == "1 Main St."
    assert report.unchanged == ["PP02"]


def test_a_non_empty_cell_does_overwrite_a_value_set_in_the_app() -> None:
    load_text(csv_text(ACC_ROW))
    Facility.objects.filter(code="ACC").update(city="Somewhere else")

    report = load_text(csv_text(ACC_ROW))

    assert report.updated == ["ACC"]
    assert Facility.objects.get(code="ACC").city == "Jefferson City"


def _row(**cells: str) -> str:
    values = {
        "code": "NEW",
        "name": "New Correctional Center",
        "kind": "adult_institution",
        "division": "DAI",
        "region": "",
        "city": "Cameron",
        "street_address": "",
        "zip": "",
        "phone": "",
        "custody_levels": "",
        "population_served": "",
        "status": "open",
        "status_note": "",
        "source_url": "",
    }
    values.update(cells)
    return ",".join(values[column] for column in COLUMNS)


BAD_ROWS = {
    "invalid kind": _row(kind="prison"),
    "invalid division": _row(division="DOC"),
    "invalid status": _row(status="shut"),
    "empty code": _row(code=""),
    "empty name": _row(name=""),
    "invalid phone": _row(phone="555-0100-99999"),
    "phone that is not a number at all": _row(phone="ask for the IAC"),
    "name over 80 characters": _row(name="N" * 81),
    "duplicate code": _row(code="ACC", name="Another Algoa"),
    "invalid kind on an existing facility": BCC_ROW.replace("adult_institution", "prison"),
    "too long name on an existing facility": BCC_ROW.replace(
        "Boonville Correctional Center", "B" * 81
    ),
}


@pytest.fixture
def existing() -> None:
    """BCC and PP02 are in the table, and staff have edited both in the app."""
    load_text(csv_text(BCC_ROW, PP02_ROW))
    Facility.objects.filter(code="BCC").update(
        region=Region.objects.get_or_create(name="Central")[0], city="Edited in the app"
    )
    Facility.objects.filter(code="PP02").update(street_address="1 Main St.")


@pytest.mark.usefixtures("existing")
@pytest.mark.parametrize("bad_row", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_names_its_line_and_writes_nothing(bad_row: str) -> None:
    before = snapshot()
    audit_rows = AuditEvent.objects.count()
    # Line 1 is the header; ACC (line 2) would be created and PP02 (line 3) updated.
    edited_pp02 = PP02_ROW.replace(",Chillicothe,", ",Chillicothe North,")
    text = csv_text(ACC_ROW, edited_pp02, bad_row)

    with pytest.raises(LoadError) as caught:
        load_text(text)

    assert caught.value.line == 4
    assert str(caught.value).startswith("line 4: ")
    assert snapshot() == before
    assert not Facility.objects.filter(code="ACC").exists()
    assert Facility.objects.get(code="PP02").city == "Chillicothe"
    assert Facility.objects.get(code="BCC").city == "Edited in the app"
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.usefixtures("existing")
def test_the_edited_row_of_that_file_loads_once_the_bad_row_is_fixed() -> None:
    edited_pp02 = PP02_ROW.replace(",Chillicothe,", ",Chillicothe North,")

    report = load_text(csv_text(ACC_ROW, edited_pp02, _row()))

    assert (report.created, report.updated) == (["ACC", "NEW"], ["PP02"])
    assert Facility.objects.get(code="PP02").city == "Chillicothe North"
    assert Facility.objects.get(code="PP02").street_address == "1 Main St."


@pytest.mark.parametrize(
    ("bad_row", "words"),
    [
        (_row(kind="prison"), "kind"),
        (_row(code=""), "code"),
        (_row(phone="555-0100-99999"), "phone"),
        (_row(phone="ask for the IAC"), "phone"),
        (_row(code="ACC"), "ACC"),
        (_row(name="N" * 81), "name"),
    ],
    ids=["kind", "code", "phone", "phone-text", "duplicate", "name"],
)
def test_a_bad_row_says_what_is_wrong(bad_row: str, words: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_text(csv_text(ACC_ROW, bad_row))

    assert caught.value.line == 3
    assert words in caught.value.reason


def test_a_quoted_multi_line_cell_shifts_the_line_number() -> None:
    multi_line = ACC_ROW.replace(",open,,", ',open,"reopened\nin 2022",')
    text = csv_text(multi_line, BCC_ROW, _row(kind="prison"))

    with pytest.raises(LoadError) as caught:
        load_text(text)

    # header 1, ACC spans 2-3, BCC 4, the bad row 5
    assert caught.value.line == 5
    assert Facility.objects.count() == 0


def test_a_quoted_multi_line_cell_is_kept_whole() -> None:
    load_text(csv_text(ACC_ROW.replace(",open,,", ',open,"reopened\nin 2022",'), BCC_ROW))

    assert Facility.objects.get(code="ACC").status_note == "reopened\nin 2022"
    assert Facility.objects.get(code="BCC").name == "Boonville Correctional Center"


@pytest.mark.parametrize("missing", ["code", "status", "source_url", "region"])
def test_a_header_missing_a_column_is_refused(missing: str) -> None:
    header = ",".join(column for column in COLUMNS if column != missing)
    row = ",".join(f"x{i}" for i in range(len(COLUMNS) - 1))

    with pytest.raises(LoadError) as caught:
        load_facilities(io.StringIO(f"{header}\n{row}\n"), by="tests")

    assert caught.value.line == 1
    assert missing in caught.value.reason
    assert Facility.objects.count() == 0


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(LoadError) as caught:
        load_facilities(io.StringIO(""), by="tests")

    assert caught.value.line == 1


# The management command


def test_command_reports_created_then_unchanged() -> None:
    out = io.StringIO()
    call_command("load_facilities", stdout=out)
    assert "73 created, 0 updated, 0 unchanged" in out.getvalue()

    out = io.StringIO()
    call_command("load_facilities", stdout=out)
    assert "0 created, 0 updated, 73 unchanged" in out.getvalue()
    assert Facility.objects.count() == 73
    assert (
        AuditEvent.objects.filter(
            action="facilities.directory_loaded", actor_label="manage.py load_facilities"
        ).count()
        == 2
    )


def test_command_reports_updates(tmp_path: Path) -> None:
    call_command("load_facilities", stdout=io.StringIO())
    path = tmp_path / "edited.csv"
    path.write_text(csv_text(ACC_ROW.replace(",minimum,", ',"minimum, medium",'), _row()))

    out = io.StringIO()
    call_command("load_facilities", str(path), stdout=out)

    assert "1 created, 1 updated, 0 unchanged" in out.getvalue()


def test_command_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(csv_text(ACC_ROW).encode("utf-8-sig"))

    call_command("load_facilities", str(path), stdout=io.StringIO())

    assert Facility.objects.get(code="ACC").name == "Algoa Correctional Center"


@pytest.mark.parametrize("phone", ["12", "ask for the IAC"])
def test_command_turns_a_bad_row_into_a_command_error(tmp_path: Path, phone: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(ACC_ROW, BCC_ROW, _row(phone=phone)))

    with pytest.raises(CommandError, match="line 4") as caught:
        call_command("load_facilities", str(path), stdout=io.StringIO())

    assert "Nothing was loaded" in str(caught.value)
    assert Facility.objects.count() == 0


def test_command_refuses_a_header_missing_a_column(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("code,name\nACC,Algoa Correctional Center\n")

    with pytest.raises(CommandError, match="line 1"):
        call_command("load_facilities", str(path), stdout=io.StringIO())


def test_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_facilities", str(tmp_path / "nope.csv"), stdout=io.StringIO())


def test_command_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(_row(name="Caf\u00e9 Center")).encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_facilities", str(path), stdout=io.StringIO())
    assert Facility.objects.count() == 0


@pytest.mark.usefixtures("existing")
@pytest.mark.parametrize(
    ("bad_row", "words"),
    [
        (BCC_ROW.replace("adult_institution", "prison"), "kind"),
        (BCC_ROW.replace("Boonville Correctional Center", "B" * 81), "name"),
    ],
    ids=["kind", "name"],
)
def test_an_existing_facility_is_validated_too(bad_row: str, words: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_text(csv_text(bad_row))

    assert caught.value.line == 2
    assert words in caught.value.reason
    assert Facility.objects.get(code="BCC").kind == FacilityKind.ADULT_INSTITUTION
    assert Facility.objects.get(code="BCC").name == "Boonville Correctional Center"
