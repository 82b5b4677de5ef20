"""Demo data for program visits and the organization registry (`manage.py demo`)."""

from datetime import time, timedelta

from django.utils import timezone

from accounts.models import User
from facilities.models import Facility
from outreach import visits
from outreach.models import VisitRequest
from partners.models import Organization
from partners.services import verify_organization

DEMO_VISITOR = "casey.morgan@demo.test"


def _ask(facility: Facility, first: str, last: str, email: str) -> VisitRequest:
    made = visits.request_visit(
        facility=facility,
        cleaned={
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": None,
            "programs": ["religious", "education"],
            "preferred_dates": [timezone.localdate() + timedelta(days=7)],
            "message": "I lead a Bible study at my church.",
        },
        ip="",
    )
    assert made is not None
    return made


def create_demo_outreach(*, pic: User, coordinators: dict[str, User]) -> int:
    """A visitor with visits made and booked, one with a new request; the registry's
    organization with representatives at two facilities, verified. Idempotent."""
    if VisitRequest.objects.filter(email=DEMO_VISITOR).exists():
        return 0
    acc = Facility.objects.get(code="ACC")
    iac = coordinators["ACC"]
    casey = _ask(acc, "Casey", "Morgan", DEMO_VISITOR)
    today = timezone.localdate()
    for _ in range(2):
        visit = visits.schedule_visit(
            visit_request=casey, on=today, at=time(18, 0), program="religious", escort=iac, by=iac
        )
        visits.record_visit(visit=visit, made=True, by=iac)
    visits.schedule_visit(
        visit_request=casey,
        on=today + timedelta(days=10),
        at=time(18, 0),
        program="education",
        escort=iac,
        by=iac,
    )
    _ask(acc, "Alex", "Nguyen", "alex.nguyen@demo.test")
    organization = Organization.objects.filter(normalized_name="jobs for tomorrow").first()
    if organization is not None and not organization.is_verified:
        organization.city, organization.contact_name = "Jefferson City", "Sam Lee"
        organization.save(update_fields=["city", "contact_name", "updated_at"])
        verify_organization(organization=organization, by=pic)
    return VisitRequest.objects.count()
