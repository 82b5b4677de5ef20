"""`manage.py demo`: demo logins for a developer, refused outside DEBUG unless forced."""

import io

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command

from accounts.models import User
from applications import age
from audit.models import AuditEvent
from facilities.access import PIC_COORDINATORS_GROUP, is_pic_coordinator
from facilities.models import Division, FacilityKind, Membership, Role
from screening.management.commands.demo import DEMO_PASSWORD
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {
    "pic@demo.test",
    "iac.acc@demo.test",
    "iac.bcc@demo.test",
    "iac.ccc@demo.test",
    "site.pp02@demo.test",
}


@pytest.fixture
def demo_facilities() -> None:
    for code in ("ACC", "BCC", "CCC"):
        FacilityFactory.create(code=code)
    FacilityFactory.create(
        code="PP02", kind=FacilityKind.PROBATION_PAROLE_OFFICE, division=Division.PP
    )


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_refuses_without_debug(demo_facilities: None) -> None:
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        run_demo()

    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_demo_needs_the_facilities() -> None:
    with pytest.raises(CommandError, match="ACC, BCC, CCC, PP02"):
        run_demo("--force")

    assert not User.objects.exists()


def staff_emails() -> set[str]:
    return {user.email for user in User.objects.all() if user.has_usable_password()}


def test_demo_creates_the_coordinators(demo_facilities: None) -> None:
    out = run_demo("--force")

    assert staff_emails() == DEMO_EMAILS
    pic = User.objects.get(email="pic@demo.test")
    assert is_pic_coordinator(pic)
    assert pic.is_staff
    assert pic.groups.filter(name=PIC_COORDINATORS_GROUP).exists()
    assert not pic.memberships.exists()
    memberships = {
        (m.user.email, m.facility.code, m.role)
        for m in Membership.objects.select_related("user", "facility")
    }
    assert memberships == {
        ("iac.acc@demo.test", "ACC", Role.IAC),
        ("iac.bcc@demo.test", "BCC", Role.IAC),
        ("iac.ccc@demo.test", "CCC", Role.IAC),
        ("site.pp02@demo.test", "PP02", Role.SITE_COORDINATOR),
    }
    assert Membership.objects.filter(is_listed=True).count() == 4
    for email in DEMO_EMAILS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
        assert email in out
    # Any other demo account is an applicant's: no password, so never a staff sign-in.
    for user in User.objects.exclude(email__in=DEMO_EMAILS):
        assert not user.has_usable_password(), user.email
        assert not user.memberships.exists()
        assert not is_pic_coordinator(user)


def test_demo_runs_with_debug_on(settings: LazySettings, demo_facilities: None) -> None:
    settings.DEBUG = True

    run_demo()

    assert staff_emails() == DEMO_EMAILS


def test_demo_is_idempotent(demo_facilities: None) -> None:
    run_demo("--force")
    users = User.objects.count()
    memberships = list(Membership.objects.order_by("pk").values())
    audit_rows = AuditEvent.objects.count()
    assert audit_rows >= 5  # one grant and four assignments

    run_demo("--force")

    assert User.objects.count() == users
    assert list(Membership.objects.order_by("pk").values()) == memberships
    assert AuditEvent.objects.count() == audit_rows


def test_demo_restores_a_changed_demo_password(demo_facilities: None) -> None:
    run_demo("--force")
    user = User.objects.get(email="iac.acc@demo.test")
    user.set_password("something-else-entirely")
    user.save()

    run_demo("--force")

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_the_demo_shows_a_corrected_background_check(demo_facilities: None) -> None:
    from screening.models import BackgroundCheck

    run_demo("--force")

    (superseded,) = BackgroundCheck.objects.filter(superseded_by__isnull=False)
    assert superseded.outcome == "needs_review"
    assert superseded.superseded_by is not None
    assert superseded.superseded_by.outcome == "cleared"
    assert superseded.supersede_reason
    assert superseded.step.application.person.last_name == "Okafor"
    assert all(c.performed_by for c in BackgroundCheck.objects.all())


def test_the_demo_shows_the_access_lifecycle(demo_facilities: None) -> None:
    """Issue 9 §2: one renewal, one suspension and restoration, one ended grant."""
    from volunteers.models import AccessEvent, AccessStatus, FacilityAccess

    run_demo("--force")

    kinds = {
        kind: set(
            AccessEvent.objects.filter(kind=kind).values_list(
                "access__person__last_name", flat=True
            )
        )
        for kind in ("renewed", "suspended", "restored", "ended")
    }
    assert kinds == {
        "renewed": {"Holt"},
        "suspended": {"Bell"},
        "restored": {"Bell"},
        "ended": {"Adeyemi"},
    }
    assert FacilityAccess.objects.get(person__last_name="Adeyemi").status == AccessStatus.ENDED


def test_the_demo_has_logged_approved_and_pending_hours(demo_facilities: None) -> None:
    from volunteers.models import HourEntry, HourStatus

    run_demo("--force")

    statuses = set(
        HourEntry.objects.filter(person__last_name="Mendez").values_list("status", flat=True)
    )
    assert statuses == {HourStatus.APPROVED, HourStatus.PENDING}


def test_the_demo_shows_a_kiosk_visit(demo_facilities: None) -> None:
    from volunteers.models import HourSource, HourStatus, KioskVisit, KioskVisitStatus

    run_demo("--force")

    (visit,) = KioskVisit.objects.all()
    assert visit.status == KioskVisitStatus.SIGNED_OUT
    assert visit.hour_entry is not None
    assert visit.hour_entry.source == HourSource.KIOSK
    assert visit.hour_entry.status == HourStatus.PENDING
    assert str(visit.hour_entry.hours) == "3.25"  # 9:04 to 12:10, to the quarter hour
    assert visit.person.last_name == "Mendez"


def test_demo_has_visits_and_an_organization_at_two_facilities(
    demo_facilities: None, settings: LazySettings
) -> None:
    from outreach import visits
    from outreach.models import VisitRequest
    from partners.models import Organization

    settings.DEBUG = True
    run_demo()
    run_demo()  # idempotent

    casey = VisitRequest.objects.get(email="casey.morgan@demo.test")
    tally = visits.tally(casey.facility, casey.email)
    assert (tally.made, tally.booked) == (2, 1)
    assert VisitRequest.objects.filter(status="new").exists()
    organization = Organization.objects.get(normalized_name="jobs for tomorrow")
    assert organization.is_verified
    facilities = set(organization.applications.values_list("facility__code", flat=True))
    assert facilities == {"ACC", "BCC"}
    # A message went to its representatives at ACC only, not to Boonville's.
    from outreach.models import Message

    message = Message.objects.get(organization=organization)
    assert message.facility.code == "ACC"
    assert {
        r.person.applications.get(organization=organization).facility.code
        for r in message.recipients.all()
    } == {"ACC"}


def test_the_demo_active_volunteers_signed_the_current_agreements(demo_facilities: None) -> None:
    from volunteers.agreements import unsigned_current
    from volunteers.models import AccessStatus, AgreementVersion, FacilityAccess

    run_demo("--force")

    kinds = set(AgreementVersion.objects.values_list("kind", flat=True))
    assert len(kinds) == 4
    active = FacilityAccess.objects.filter(status=AccessStatus.ACTIVE).select_related("person")
    assert active.exists()
    for grant in active:
        assert list(unsigned_current(grant.person, age.today())) == [], grant.person
        assert grant.person.signatures.count() >= 4
