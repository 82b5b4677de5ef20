"""The staff application page and the roster link the print stylesheet (issue 14, item 5).
What the printout looks like is checked in tests/browser/test_print.py."""

import pytest
from django.test import Client

from accounts.models import User
from facilities.models import Facility
from tests.factories import submitted_application
from tests.volunteers.activation_helpers import active_grant

pytestmark = pytest.mark.django_db

PRINT_CSS = 'href="/static/css/print.css" media="print"'


def test_the_application_page_links_the_print_stylesheet(
    client: Client, facility: Facility, iac: User
) -> None:
    application = submitted_application(facility=facility)
    client.force_login(iac)
    html = client.get(f"/staff/applications/{application.reference}/").content.decode()
    assert PRINT_CSS in html
    assert 'class="col-lg-4 d-print-none"' in html  # the actions column stays off paper


def test_the_roster_links_the_print_stylesheet(
    client: Client, facility: Facility, iac: User
) -> None:
    active_grant(facility, by=iac)
    client.force_login(iac)
    html = client.get(f"/staff/facilities/{facility.code}/roster/").content.decode()
    assert PRINT_CSS in html
    assert 'fieldset class="card card-body mb-3 d-print-none"' in html  # the bulk form
