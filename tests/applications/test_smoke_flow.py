import pytest

from applications.models import Status
from tests.factories import submitted_application


@pytest.mark.django_db
def test_submit_complete_application(facility):
    application = submitted_application(facility=facility)
    assert application.status == Status.SUBMITTED
    assert application.reference.startswith("PIC-")
