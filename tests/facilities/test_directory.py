"""The public facility directory: /facilities/ and /facilities/<code>/."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facilities.models import Division, Facility, FacilityKind, FacilityStatus, Region, Role
from tests.factories import FacilityFactory, MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

SITE_NAME = b"Partners in Corrections"
SECRET_SOURCE = "https://third-party.example/secret-provenance-page"


@pytest.fixture
def directory() -> dict[str, Facility]:
    return {
        "ACC": FacilityFactory(
            code="ACC",
            name="Algoa Correctional Center",
            city="Jefferson City",
            source_url=SECRET_SOURCE,
        ),
        "BCC": FacilityFactory(code="BCC", name="Boonville Correctional Center", city="Boonville"),
        "PP02": FacilityFactory(
            code="PP02",
            name="Probation & Parole District 2 - Chillicothe",
            kind=FacilityKind.PROBATION_PAROLE_OFFICE,
            division=Division.PP,
            city="Chillicothe",
            tb_test_required=False,
        ),
        "PP01": FacilityFactory(
            code="PP01",
            name="St. Joseph Community Supervision Center",
            kind=FacilityKind.COMMUNITY_SUPERVISION_CENTER,
            division=Division.PP,
            city="St. Joseph",
        ),
        "WMCC": FacilityFactory(
            code="WMCC",
            name="Western Missouri Correctional Center",
            city="Cameron",
            status=FacilityStatus.CLOSED,
            status_note="closed 2022",
        ),
    }


def listed_codes(response: Any) -> list[str]:
    return [f.code for _label, facilities in response.context["listing"].groups for f in facilities]


def groups(response: Any) -> list[tuple[str, list[str]]]:
    return [(label, [f.code for f in fs]) for label, fs in response.context["listing"].groups]


def test_lists_open_facilities_grouped_by_kind(client: Client, directory: Any) -> None:
    response = client.get("/facilities/")

    assert response.status_code == 200
    assert groups(response) == [
        ("Correctional center", ["ACC", "BCC"]),
        ("Community supervision center", ["PP01"]),
        ("Probation & Parole office", ["PP02"]),
    ]
    assert response.context["listing"].count == 4
    content = response.content.decode()
    assert "Algoa Correctional Center" in content
    assert "Western Missouri Correctional Center" not in content
    assert content.index("Correctional center") < content.index("Probation &amp; Parole office")
    assert 'href="/facilities/ACC/"' in content


def test_closed_facilities_appear_with_closed_on(client: Client, directory: Any) -> None:
    response = client.get("/facilities/", {"closed": "on"})

    assert response.status_code == 200
    assert "WMCC" in listed_codes(response)
    assert response.context["listing"].count == 5
    assert b"Western Missouri Correctional Center" in response.content
    assert b"badge-closed" in response.content


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (FacilityKind.ADULT_INSTITUTION, ["ACC", "BCC"]),
        (FacilityKind.PROBATION_PAROLE_OFFICE, ["PP02"]),
        (FacilityKind.COMMUNITY_SUPERVISION_CENTER, ["PP01"]),
        (FacilityKind.TRANSITION_CENTER, []),
    ],
)
def test_filter_by_kind(client: Client, directory: Any, kind: str, expected: list[str]) -> None:
    response = client.get("/facilities/", {"kind": kind})

    assert response.status_code == 200
    assert listed_codes(response) == expected


def test_filter_by_kind_includes_closed_only_when_asked(client: Client, directory: Any) -> None:
    response = client.get("/facilities/", {"kind": FacilityKind.ADULT_INSTITUTION, "closed": "on"})

    assert listed_codes(response) == ["ACC", "BCC", "WMCC"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("algoa", ["ACC"]),  # name, any case
        ("BOONVILLE", ["BCC"]),  # city (and name)
        ("chillicothe", ["PP02"]),
        ("Jefferson", ["ACC"]),  # city only
        ("correctional", ["ACC", "BCC"]),  # closed WMCC stays hidden
        ("  algoa  ", ["ACC"]),
        ("nowhere at all", []),
    ],
)
def test_search_by_name_or_city(
    client: Client, directory: Any, q: str, expected: list[str]
) -> None:
    response = client.get("/facilities/", {"q": q})

    assert response.status_code == 200
    assert listed_codes(response) == expected


def test_search_finding_nothing_says_so(client: Client, directory: Any) -> None:
    response = client.get("/facilities/", {"q": "nowhere at all"})

    assert b"No facility matches" in response.content


def test_region_filter_is_hidden_until_a_facility_has_a_region(
    client: Client, directory: Any
) -> None:
    response = client.get("/facilities/")

    assert "region" not in response.context["form"].fields
    assert b'name="region"' not in response.content


def test_region_filter_appears_and_filters(client: Client, directory: Any) -> None:
    Facility.objects.filter(code__in=["ACC", "PP02"]).update(
        region=Region.objects.get_or_create(name="Central")[0]
    )
    Facility.objects.filter(code="BCC").update(
        region=Region.objects.get_or_create(name="Northeast")[0]
    )

    response = client.get("/facilities/")
    assert b'name="region"' in response.content
    assert b'<option value="Central"' in response.content
    assert b'<option value="Northeast"' in response.content

    response = client.get("/facilities/", {"region": "Central"})
    assert listed_codes(response) == ["ACC", "PP02"]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "prison"},
        {"kind": "<script>"},
        {"region": "Atlantis"},
        {"q": "x" * 200},
    ],
    ids=["unknown-kind", "markup-kind", "unknown-region", "too-long-q"],
)
def test_an_invalid_filter_is_shown_as_an_error_not_a_500(
    client: Client, directory: Any, params: dict[str, str]
) -> None:
    Facility.objects.filter(code="ACC").update(
        region=Region.objects.get_or_create(name="Central")[0]
    )

    response = client.get("/facilities/", params)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert b"Some filters could not be used" in response.content
    assert b"<script>" not in response.content.split(b"</head>")[1]
    # The invalid filter is ignored: every open facility is listed.
    assert listed_codes(response) == ["ACC", "BCC", "PP01", "PP02"]


def test_htmx_request_gets_only_the_results(client: Client, directory: Any) -> None:
    response = client.get("/facilities/", {"q": "algoa"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "<form" not in content
    assert 'id="results"' in content
    assert "Algoa Correctional Center" in content
    assert "Boonville" not in content


def test_plain_request_gets_the_whole_page(client: Client, directory: Any) -> None:
    content = client.get("/facilities/", {"q": "algoa"}).content.decode()

    assert "<html" in content
    assert "<form" in content
    assert 'id="results"' in content


# The facility page


@pytest.fixture
def acc(directory: dict[str, Facility]) -> Facility:
    acc = directory["ACC"]
    acc.street_address = "8501 No More Victims Road"
    acc.zip = "65101"
    acc.phone = "+15737513911"
    acc.custody_levels = "minimum"
    acc.population_served = "men"
    acc.save()
    return acc


def test_detail_shows_the_public_facts(client: Client, acc: Facility) -> None:
    response = client.get("/facilities/ACC/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Algoa Correctional Center" in content
    assert "8501 No More Victims Road" in content
    assert "Jefferson City, MO 65101" in content
    assert "(573) 751-3911" in content
    assert 'href="tel:+15737513911"' in content
    assert "Correctional center" in content
    assert "Custody levels" in content
    assert "minimum" in content
    assert "Institutional Activities Coordinator" in content  # how to volunteer at a prison


def test_detail_accepts_a_lower_case_code(client: Client, acc: Facility) -> None:
    assert client.get("/facilities/acc/").status_code == 200


def test_detail_of_an_office_names_the_site_coordinator(client: Client, directory: Any) -> None:
    response = client.get("/facilities/PP02/")

    assert response.status_code == 200
    assert b"PIC site coordinator" in response.content
    assert b"Not listed yet." in response.content  # no phone: said, not guessed


def test_detail_of_a_closed_facility_says_so(client: Client, directory: Any) -> None:
    response = client.get("/facilities/WMCC/")

    assert response.status_code == 200
    assert b"This facility is closed." in response.content
    assert b"closed 2022" in response.content


def test_detail_shows_only_listed_coordinators(client: Client, acc: Facility) -> None:
    listed = StaffUserFactory(first_name="Alice", last_name="Carter")
    MembershipFactory(
        user=listed,
        facility=acc,
        role=Role.IAC,
        is_listed=True,
        public_title="Activities Coordinator",
        public_phone="+15737513999",
        public_email="alice.carter@doc.example.org",
    )
    MembershipFactory(
        user=StaffUserFactory(first_name="Hidden", last_name="Person"),
        facility=acc,
        role=Role.CHAPLAIN,
        is_listed=False,
    )
    gone = StaffUserFactory(first_name="Departed", last_name="Colleague")
    MembershipFactory(user=gone, facility=acc, role=Role.IAC, is_listed=True)
    gone.is_active = False
    gone.save()

    content = client.get("/facilities/ACC/").content.decode()

    assert "Who to contact" in content
    assert "Alice Carter" in content
    assert "Activities Coordinator" in content
    assert "alice.carter@doc.example.org" in content
    assert "(573) 751-3999" in content
    assert "Hidden" not in content
    assert "Departed" not in content
    assert listed.email not in content  # the account's sign-in name is not public


def test_detail_without_listed_coordinators_and_no_central_office_lists_no_contact(
    client: Client, acc: Facility
) -> None:
    MembershipFactory(facility=acc, role=Role.IAC, is_listed=False)

    assert b"Who to contact" not in client.get("/facilities/ACC/").content


@pytest.mark.parametrize("url", ["/facilities/ACC/", "/facilities/", "/facilities/?q=algoa"])
def test_source_url_is_never_shown(client: Client, acc: Facility, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert b"third-party.example" not in response.content
    assert b"secret-provenance-page" not in response.content


def test_unknown_code_is_a_404_in_the_site_layout(client: Client, directory: Any) -> None:
    response = client.get("/facilities/NOPE/")

    assert response.status_code == 404
    assert b"<html" in response.content
    assert SITE_NAME in response.content
    assert b"Page not found" in response.content


# Query counts: no query per row


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_directory_query_count_does_not_grow_with_facilities(
    client: Client, django_assert_num_queries: Any
) -> None:
    FacilityFactory.create_batch(3, region=Region.objects.get_or_create(name="Central")[0])
    few = _count_queries(client, "/facilities/")
    assert few <= 3

    FacilityFactory.create_batch(27, region=Region.objects.get_or_create(name="South")[0])
    FacilityFactory.create_batch(
        5, kind=FacilityKind.PROBATION_PAROLE_OFFICE, status=FacilityStatus.CLOSED
    )
    with django_assert_num_queries(few):
        response = client.get("/facilities/", {"closed": "on"})
    assert response.context["listing"].count == 35


def test_directory_query_count_for_htmx_is_the_same(
    client: Client, django_assert_num_queries: Any
) -> None:
    FacilityFactory.create_batch(3)
    few = _count_queries(client, "/facilities/")
    FacilityFactory.create_batch(27)

    with django_assert_num_queries(few):
        client.get("/facilities/", HTTP_HX_REQUEST="true")


def test_detail_query_count_does_not_grow_with_coordinators(
    client: Client, acc: Facility, django_assert_num_queries: Any
) -> None:
    MembershipFactory(facility=acc, is_listed=True, public_title="Coordinator 1")
    few = _count_queries(client, "/facilities/ACC/")

    for n in range(2, 6):
        MembershipFactory(facility=acc, is_listed=True, public_title=f"Coordinator {n}")
    with django_assert_num_queries(few):
        response = client.get("/facilities/ACC/")
    assert b"Coordinator 5" in response.content
