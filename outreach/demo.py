"""Demo outreach: messages sent to a facility's active volunteers and to a partner
organization's representatives there, and that facility's
National Volunteer Week certificates, made by the task worker `make run` starts."""

from datetime import timedelta

from django.db import transaction

from accounts.models import User
from applications import age
from facilities.models import Facility, ProgramSettings
from outreach import messages as M
from outreach import recognition as R
from outreach.models import Audience, Message
from volunteers.models import AccessStatus, FacilityAccess, HourSource
from volunteers.services import HoursRefused, create_hour_entry


def _message_representatives(acc: Facility, iac: User) -> None:
    """A note to the representatives at ACC of the organization the demo partners named."""
    organization = M.facility_organizations(acc).filter(normalized_name="jobs for tomorrow").first()
    if organization is None:
        return
    people = list(
        M.recipients(facility=acc, audience=Audience.ORGANIZATION, organization=organization)
    )
    if people:
        M.send_message(
            facility=acc,
            audience=Audience.ORGANIZATION,
            organization=organization,
            session=None,
            subject="Reentry resource fair",
            body="Hello,\n\nThe reentry resource fair is in the gym on the first Tuesday of "
            "next month. Please bring your organization's handouts.\n\nThe activities office",
            digest=M.recipients_digest(people),
            by=iac,
        )


@transaction.atomic
def create_demo_outreach(coordinators: dict[str, User], pic_name: str) -> bool:
    """Idempotent: does nothing once the demo message exists."""
    acc = Facility.objects.get(code="ACC")
    if Message.objects.filter(facility=acc).exists():
        return False
    settings_row = ProgramSettings.load()
    if not settings_row.pic_coordinator_name:
        settings_row.pic_coordinator_name = pic_name
        settings_row.save(update_fields=["pic_coordinator_name"])
    iac = coordinators["ACC"]
    today = age.today()
    # Approved hours, as the hours pages record them, so the certificates have figures.
    for n, grant in enumerate(
        FacilityAccess.objects.filter(facility=acc, status=AccessStatus.ACTIVE)
    ):
        for week in range(1, 4 + 3 * n):
            try:
                create_hour_entry(
                    access=grant,
                    worked_on=today - timedelta(days=7 * week),
                    program_area="mentoring",
                    hours=3,
                    source=HourSource.STAFF,
                    by=iac,
                    approve=True,
                )
            except HoursRefused:
                continue  # a day before the volunteer's activation: nothing to record
    people = list(M.recipients(facility=acc, audience=Audience.ACTIVE))
    if people:
        M.send_message(
            facility=acc,
            audience=Audience.ACTIVE,
            session=None,
            subject="National Volunteer Week: thank you",
            body="Dear volunteers,\n\nThank you for your service this year. Certificates "
            "will be handed out at the appreciation lunch in the visiting room on Friday "
            "at noon.\n\nThe activities office",
            digest=M.recipients_digest(people),
            by=iac,
        )
    _message_representatives(acc, iac)
    R.request_certificates(facility=acc, by=iac)
    return True
