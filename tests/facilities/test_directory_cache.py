"""The public directory and facility pages cache their fragments (issue 11): a repeat visit
reads no facility row, and any change to what they show (a facility, a region, the program
settings, a coordinator's listing or name) shows at once. Never cached: the CSRF token of the
visit-request form."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facilities.models import Facility, Membership, ProgramSettings, Region, Role
from facilities.services import assign_coordinator, remove_coordinator
from tests.factories import FacilityFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place() -> Facility:
    return FacilityFactory.create(
        code="ACC", name="Algoa Correctional Center", phone="+15737514069"
    )


def page(client: Client, url: str, **headers: Any) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def facility_rows_read(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum('FROM "facilities_facility"' in q["sql"] for q in captured.captured_queries)


def test_a_repeat_visit_reads_no_facility_list(client: Client, place: Facility) -> None:
    assert facility_rows_read(client, "/facilities/") >= 1
    assert facility_rows_read(client, "/facilities/") == 0
    # A repeat facility page reads no facility row either: its own row (the title, the visit
    # form) is kept under the same version as the fragments; only the version is read.
    page(client, "/facilities/ACC/")
    assert facility_rows_read(client, "/facilities/ACC/") == 0
    with CaptureQueriesContext(connection) as captured:
        page(client, "/facilities/ACC/")
    assert len(captured) <= 1
    assert client.get("/facilities/NOPE/").status_code == 404


def test_the_cache_is_what_serves_the_repeat(client: Client, place: Facility) -> None:
    """A write that bypasses the model (no signal) is not seen: the page came from the cache.
    (So the tests below, which see every change, test the invalidation.)"""
    page(client, "/facilities/")
    page(client, "/facilities/ACC/")
    Facility.objects.filter(pk=place.pk).update(name="Renamed Without Signal")

    assert "Renamed Without Signal" not in page(client, "/facilities/")
    # (The title, outside the fragment, comes from the row kept under the same version.)
    assert "Renamed Without Signal" not in page(client, "/facilities/ACC/")


def test_editing_a_facility_shows_at_once(client: Client, place: Facility) -> None:
    page(client, "/facilities/")
    page(client, "/facilities/ACC/")
    place.name = "Algoa Correctional Center (renamed)"
    place.public_notes = "Orientation on the first Monday."
    place.save()

    assert "Algoa Correctional Center (renamed)" in page(client, "/facilities/")
    assert "Orientation on the first Monday." in page(client, "/facilities/ACC/")


def test_a_new_and_a_deleted_facility_show_at_once(client: Client, place: Facility) -> None:
    page(client, "/facilities/")
    new = FacilityFactory.create(code="NEW1", name="Newly Opened Center")
    assert "Newly Opened Center" in page(client, "/facilities/")
    new.delete()
    assert "Newly Opened Center" not in page(client, "/facilities/")


def test_a_region_change_shows_at_once(client: Client, place: Facility) -> None:
    region = Region.objects.create(name="Northeast")
    place.region = region
    place.save()
    page(client, "/facilities/ACC/")
    region.name = "North Central"
    region.save()
    assert "North Central" in page(client, "/facilities/ACC/")


def test_program_settings_show_at_once(client: Client, place: Facility) -> None:
    office = FacilityFactory.create(code="PP99", name="District 99", phone="")
    page(client, "/facilities/PP99/")
    program = ProgramSettings.load()
    program.volunteer_services_phone = "+15735550100"
    program.save()
    assert "(573) 555-0100" in page(client, f"/facilities/{office.code}/")


def test_a_coordinator_listed_renamed_and_removed_shows_at_once(
    client: Client, place: Facility
) -> None:
    pic = StaffUserFactory.create(pic_coordinator=True)
    coordinator = StaffUserFactory.create(first_name="Robin", last_name="Okafor")
    assert "Robin Okafor" not in page(client, "/facilities/ACC/")

    membership = assign_coordinator(
        by=pic, user=coordinator, facility=place, role=Role.IAC, is_listed=True
    )
    assert "Robin Okafor" in page(client, "/facilities/ACC/")

    coordinator.last_name = "Okafor-Reyes"
    coordinator.save()
    assert "Robin Okafor-Reyes" in page(client, "/facilities/ACC/")

    remove_coordinator(by=pic, membership=Membership.objects.get(pk=membership.pk))
    assert "Robin Okafor" not in page(client, "/facilities/ACC/")


def test_a_sign_in_does_not_empty_the_cache(client: Client, place: Facility) -> None:
    coordinator = StaffUserFactory.create()
    page(client, "/facilities/")
    client.force_login(coordinator)  # writes last_login only
    client.logout()
    assert facility_rows_read(client, "/facilities/") == 0


def test_each_filter_has_its_own_fragment(client: Client, place: Facility) -> None:
    FacilityFactory.create(code="BCC", name="Boonville Correctional Center", city="Boonville")
    assert "Boonville" in page(client, "/facilities/")
    only_algoa = page(client, "/facilities/?q=Algoa")
    assert "Algoa" in only_algoa
    assert "Boonville Correctional Center" not in only_algoa
    htmx = client.get("/facilities/?q=Boonville", headers={"HX-Request": "true"}).content.decode()
    assert "Boonville Correctional Center" in htmx
    assert "Algoa Correctional Center" not in htmx


def test_each_language_has_its_own_fragment(
    client: Client, place: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project may not have a Spanish catalogue yet; let the page be rendered in Spanish.
    monkeypatch.setattr("pic.middleware.rendered_language", lambda language: language)

    def contacts_read(language: str) -> int:
        """Membership rows read: only a missing fragment reads the page's contacts."""
        with CaptureQueriesContext(connection) as captured:
            page(client, "/facilities/ACC/", accept_language=language)
        return sum('"facilities_membership"' in q["sql"] for q in captured.captured_queries)

    assert contacts_read("en") >= 1
    assert contacts_read("en") == 0
    assert contacts_read("es") >= 1  # not the English fragment
    assert contacts_read("es") == 0
    spanish = page(client, "/facilities/ACC/", accept_language="es")
    assert '<html lang="es">' in spanish


def test_the_visit_form_token_is_never_cached(place: Facility) -> None:
    """Two visitors after a cached render: each page carries a token that works for them."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, "/facilities/ACC/")
    html = page(second, "/facilities/ACC/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None

    response = second.post("/visits/request/ACC/", {"csrfmiddlewaretoken": token[1]})
    assert response.status_code != 403
    refused = first.post("/visits/request/ACC/", {"csrfmiddlewaretoken": token[1]})
    assert refused.status_code == 403


def test_the_unbound_visit_form_is_rendered_once(
    client: Client, place: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crispy renders the form once per facility and language (most of the page's time); a
    repeat visit only puts its own token in, and a change to the facility renders it anew."""
    from outreach.templatetags import visits

    renders: list[str] = []
    render_halves = visits._render_halves

    def counted(facility: Any) -> tuple[str, str]:
        renders.append(facility.code)
        return render_halves(facility)

    monkeypatch.setattr(visits, "_render_halves", counted)
    first = page(client, "/facilities/ACC/")
    second = page(Client(), "/facilities/ACC/")
    assert renders == ["ACC"]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    assert 'name="first_name"' in second
    assert 'action="/visits/request/ACC/"' in second

    place.name = "Algoa Correctional Center (renamed)"
    place.save()
    page(client, "/facilities/ACC/")
    assert renders == ["ACC", "ACC"]
