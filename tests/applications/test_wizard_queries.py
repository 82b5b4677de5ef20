"""The whole wizard's SQL: one application, from the start page to submit, as a browser (and
`make bench`'s applicant, scripts/bench_client.py) makes it: a fixed number of queries per
request, whatever else the database holds."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import sections as S
from applications.models import Application, Status
from applications.samples import sample_answers
from facilities.models import Facility
from tests.factories import FacilityFactory, MembershipFactory, UserFactory, submitted_application

# One whole application: GET and POST of the start page, of each of the 8 sections and of
# the review page (20 requests). Issue 11: 172 before the wizard's repeated reads were cut.
WIZARD_QUERIES = 161


def _whole_application(client: Client, facility: Facility, n: int) -> list[tuple[str, int]]:
    """Apply at `facility` as a new applicant; (request, queries) for each request made."""
    user = UserFactory.create(email=f"wizard{n}@example.org")
    client.force_login(user)
    answers = sample_answers("volunteer", born=date(1970 + n, 3, 4), last=f"Wizard{n}")
    # Its own e-mail and SSN: no possible duplicate to flag (each flag is a row written).
    answers[S.IDENTITY] |= {"email": user.email, "ssn": f"123-45-{6700 + n}"}
    counts: list[tuple[str, int]] = []

    def request(name: str, path: str, data: dict[str, str] | None = None) -> str:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path) if data is None else client.post(path, data)
        expected = 200 if data is None else 302
        assert response.status_code == expected, (name, response.content.decode()[:2000])
        counts.append((name, len(captured)))
        return "" if data is None else response["Location"]

    start = reverse("applications:apply")
    request("GET apply", f"{start}?facility={facility.code}&kind=volunteer")
    path = request("POST apply", start, {"facility": facility.code, "kind": "volunteer"})
    for slug in S.SLUGS:
        request(f"GET {slug}", path)
        path = request(f"POST {slug}", path, {**answers.get(slug, {}), "action": "continue"})
    request("GET review", path)
    request("POST submit", path, {})
    application = Application.objects.get(person__user=user)
    assert application.status == Status.SUBMITTED
    return counts


@pytest.mark.django_db
def test_the_whole_wizard_takes_the_same_queries_whatever_the_database_holds(
    client: Client, facility: Facility, other_facility: Facility, clear_cache: None
) -> None:
    MembershipFactory.create(facility=facility)
    _whole_application(client, facility, 0)  # warms what a first request fills once
    small = _whole_application(client, facility, 1)

    for n in range(3):  # more people, applications, facilities and coordinators
        submitted_application(facility=facility, last=f"Other{n}", born=date(1960 + n, 1, 2))
        submitted_application(facility=other_facility, last=f"Else{n}")
        FacilityFactory.create()
        MembershipFactory.create(facility=facility)
    large = _whole_application(client, facility, 2)

    assert large == small
    assert sum(count for _name, count in small) <= WIZARD_QUERIES, small
