"""Demo accounts for `make run` (idempotent). Never run this against production data."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from facilities.models import Facility, Role
from facilities.services import assign_coordinator, make_pic_coordinator
from outreach.demo import create_demo_outreach
from outreach.visits_demo import create_demo_outreach as create_demo_visits
from reports.demo import create_demo_regions
from screening.demo import create_demo_applications

DEMO_PASSWORD = "pic-demo-2026"  # noqa: S105 - a published demo login, refused outside DEBUG


@dataclass(frozen=True)
class DemoCoordinator:
    email: str
    first_name: str
    last_name: str
    facility: str
    role: str
    title: str


COORDINATORS = [
    DemoCoordinator(
        "iac.acc@demo.test",
        "Alice",
        "Carter",
        "ACC",
        Role.IAC,
        "Institutional Activities Coordinator",
    ),
    DemoCoordinator(
        "iac.bcc@demo.test",
        "Ben",
        "Dalton",
        "BCC",
        Role.IAC,
        "Institutional Activities Coordinator",
    ),
    DemoCoordinator(
        "iac.ccc@demo.test",
        "Carla",
        "Evans",
        "CCC",
        Role.IAC,
        "Institutional Activities Coordinator",
    ),
    DemoCoordinator(
        "site.pp02@demo.test",
        "Dana",
        "Fischer",
        "PP02",
        Role.SITE_COORDINATOR,
        "PIC Site Coordinator",
    ),
]
PIC_COORDINATOR = ("pic@demo.test", "Pat", "Morgan")


def _staff_user(email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


class Command(BaseCommand):
    help = "Create the demo PIC Coordinator and facility coordinators, and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="run even when DJANGO_DEBUG is off"
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("demo publishes its passwords: run it only with DJANGO_DEBUG=1.")
        missing = {c.facility for c in COORDINATORS} - set(
            Facility.objects.values_list("code", flat=True)
        )
        if missing:
            raise CommandError(f"Load the facilities first (missing {', '.join(sorted(missing))}).")
        by = "manage.py demo"
        coordinators = {}
        with transaction.atomic():
            pic = _staff_user(*PIC_COORDINATOR)
            make_pic_coordinator(by=by, user=pic)
            for c in COORDINATORS:
                user = _staff_user(c.email, c.first_name, c.last_name)
                coordinators[c.facility] = user
                assign_coordinator(
                    by=by,
                    user=user,
                    facility=Facility.objects.get(code=c.facility),
                    role=c.role,
                    is_listed=True,
                    public_title=c.title,
                    public_email=c.email,
                )
        made = create_demo_applications(coordinators)
        create_demo_regions()
        if made:
            self.stdout.write(f"Demo applications: {made} in every status.")
        if create_demo_outreach(coordinators, f"{PIC_COORDINATOR[1]} {PIC_COORDINATOR[2]}"):
            self.stdout.write("Demo outreach: a message sent and certificates for ACC.")
        if create_demo_visits(pic=pic, coordinators=coordinators):
            self.stdout.write("Demo program visits and a verified partner organization.")
        self.stdout.write(self.style.SUCCESS("Demo logins (staff sign-in at /staff/login/):"))
        self.stdout.write(f"  PIC Coordinator (statewide)   {pic.email:<24} {DEMO_PASSWORD}")
        for c in COORDINATORS:
            label = f"{c.role} at {c.facility}"
            self.stdout.write(f"  {label:<29} {c.email:<24} {DEMO_PASSWORD}")
        self.stdout.write(
            "Applicants sign in by e-mailed link at /account/ (e.g. priya.patel@demo.test or "
            "dana.whitfield@demo.test); in development the mail shows at /dev/outbox/."
        )
