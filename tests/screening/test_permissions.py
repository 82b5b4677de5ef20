"""The permission matrix over every staff URL: role by own facility / other facility.

DESIGN (Non-functional): anonymous visitors go to the staff sign-in; a signed-in applicant
gets 403; another facility's object is 404; a coordinator without the capability gets 403.
Allowed: 200 for a page, 302 for an action that succeeded, 200 for a form shown again with
its errors.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, Person, PossibleDuplicate
from applications.services import add_document, flag_possible_duplicates, submit_application
from facilities.access import Capability
from facilities.models import Facility, Membership, Role
from outreach import visits
from outreach.models import ProgramVisit, VisitRequest
from partners.models import Organization
from partners.services import find_or_create_unverified
from screening import services
from screening.models import ScreeningStep, StepKind
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.screening.helpers import (
    activated,
    application_in,
    approved,
    in_review,
    make_application,
)
from volunteers import activation
from volunteers.activation import record_tb_test
from volunteers.models import Course, Enrollment, FacilityAccess, TrainingSession

VIEW, RECORD, DECIDE, PROGRAM = (
    Capability.VIEW,
    Capability.RECORD,
    Capability.DECIDE,
    Capability.PROGRAM,
)
# DESIGN's capability table, written out again (facilities/access.py is what is tested).
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD, DECIDE},
    "site_coordinator": {VIEW, RECORD, DECIDE},
    "chaplain": {VIEW, RECORD},
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]
# Staff routes open to people who are not signed in: sign-in, sign-out, password (re)set.
PUBLIC_STAFF_NAMES = {
    "staff:login",
    "staff:logout",
    "staff:password_reset",
    "staff:password_reset_sent",
    "staff:password_set",
    "staff:password_set_done",
}
# The second sign-in step: a signed-in staff account before it is verified reaches these
# (tests/accounts/test_mfa.py covers them, and that every other staff URL sends it there).
SIGN_IN_STEPS = {"staff:mfa", "staff:mfa_setup", "staff:mfa_codes"}


# Staff routes whose objects this module's world does not build: each has its own matrix.
def in_days(days: int, hours: int = 0) -> datetime:
    return timezone.now() + timedelta(days=days, hours=hours)


# The world: facility A (the coordinators' own) and B (another), each with the objects the
# staff URLs name. Built once for the module, inside a transaction every test rolls back to.


@dataclass
class Place:
    facility: Facility
    submitted: Application
    review: Application
    info: Application
    document_id: str
    flag: PossibleDuplicate
    flagged: Person
    removable: Membership
    pending: FacilityAccess
    active: FacilityAccess
    tb_test_id: int
    session: TrainingSession
    enrollment: Enrollment
    statewide: TrainingSession  # not any facility's: the same for both places
    check_id: int  # a background check on `review`, to re-run or void
    visit_request: VisitRequest  # with one visit booked, escorted by `escort`
    visit: ProgramVisit
    escort: User
    organization: Organization  # `review` represents it (a representative here only)
    merge_target: Organization

    def step(self, kind: str) -> ScreeningStep:
        return self.review.screening_steps.get(step_kind=kind)


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place] = field(default_factory=dict)


def _place(facility: Facility, by: User, statewide: TrainingSession) -> Place:
    # Submitted, with a supporting document to download.
    draft = make_application(facility, submit=False)
    document = add_document(
        application=draft,
        kind="reference_letter",
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 reference", "application/pdf"),
        content_type="application/pdf",
        by=draft.person.user,
    )
    submitted = submit_application(application=draft, by=draft.person.user)
    # In review, with a relationship conflict at this facility.
    review = in_review(
        facility,
        by=by,
        relations=[{"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)}],
    )
    check = services.add_background_check(
        step=review.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK),
        by=by,
        check_type="mules",
        run_on=age.today(),
        outcome="needs_review",
        performed_by="MSHP",
    )
    info = application_in("info_requested", facility, by=by)
    services.ban_person(person=info.person, by="tests", reason="Brought in contraband.")
    # A paper record of the submitted applicant: same name and date of birth.
    paper = Person.objects.create(
        first_name=submitted.person.first_name,
        last_name=submitted.person.last_name,
        date_of_birth=submitted.person.date_of_birth,
    )
    (flag,) = flag_possible_duplicates(person=paper)
    removable = Membership.objects.get(user=member(facility, Role.CHAPLAIN), facility=facility)
    # Facility access: one pending activation (nothing done yet), one active, signed up for
    # one of the facility's sessions.
    _approved, pending = approved(facility, by=by)
    active = activated(facility, by=by)
    scanned = record_tb_test(
        person=active.person,
        tested_on=age.today(),
        result="negative",
        by=by,
        scan=SimpleUploadedFile("tb.pdf", b"%PDF-1.4 tb result"),
        facility=facility,
    )
    session = activation.schedule_session(
        by=by,
        course=Course.objects.get(code="facility-orientation"),
        facility=facility,
        place="Visiting room",
        starts_at=in_days(3),
        ends_at=in_days(3, hours=2),
        capacity=10,
    )
    enrollment = activation.enrol(session=session, person=active.person, by=by)
    return Place(
        facility=facility,
        submitted=submitted,
        review=review,
        info=info,
        document_id=str(document.public_id),
        flag=flag,
        flagged=submitted.person,
        removable=removable,
        pending=pending,
        active=active,
        tb_test_id=scanned.pk,
        session=session,
        enrollment=enrollment,
        statewide=statewide,
        check_id=check.pk,
        **_outreach(facility, by, review),
    )


def _outreach(facility: Facility, by: User, review: Application) -> dict[str, Any]:
    visit_request = visits.request_visit(
        facility=facility,
        cleaned={
            "first_name": "Vic",
            "last_name": "Visitor",
            "email": f"vic.{facility.code.lower()}@example.org",
            "phone": None,
            "programs": ["education"],
            "preferred_dates": [age.today() + timedelta(days=5)],
        },
        ip="",
    )
    assert visit_request is not None
    visit = visits.schedule_visit(
        visit_request=visit_request,
        on=age.today() + timedelta(days=6),
        at=time(10, 0),
        program="education",
        escort=by,
        by=by,
    )
    organization = find_or_create_unverified(
        name=f"Friends of {facility.code}", kind="nonprofit", by="tests"
    )
    Application.objects.filter(pk=review.pk).update(organization=organization)
    merge_target = find_or_create_unverified(
        name=f"Target {facility.code}", kind="nonprofit", by="tests"
    )
    return {
        "visit_request": visit_request,
        "visit": visit,
        "escort": by,
        "organization": organization,
        "merge_target": merge_target,
    }


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Like Django's setUpTestData: each test runs in a savepoint inside this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        a = FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
        b = FacilityFactory.create(code="BCC", name="Boonville Correctional Center")
        users = {
            "iac": member(a, Role.IAC),
            "site_coordinator": member(a, Role.SITE_COORDINATOR),
            "chaplain": member(a, Role.CHAPLAIN),
            "pic": StaffUserFactory.create(pic_coordinator=True),
            "applicant": UserFactory.create(),
            "no_role": StaffUserFactory.create(),
        }
        statewide = activation.schedule_session(
            by=users["pic"],
            course=Course.objects.get(code="volunteer-orientation"),
            facility=None,
            place="Jefferson City",
            starts_at=in_days(5),
            ends_at=in_days(5, hours=6),
            capacity=40,
        )
        w = World(users=users)
        w.places["own"] = _place(a, users["iac"], statewide)
        w.places["other"] = _place(b, member(b, Role.IAC), statewide)
        yield w
        transaction.set_rollback(True)


# The table ------------------------------------------------------------------------------

Kwargs = Callable[[Place], dict[str, Any]]
Data = Callable[[Place], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    cap: Capability
    kwargs: Kwargs = lambda p: {}
    data: Data = lambda p: {}
    success: int = 200
    # Whether the URL names an object of one facility (else: the user's own facilities).
    scoped: bool = True
    # Program actions check the capability before looking the person up: a coordinator
    # holds it nowhere, so it is 403 whichever facility the person applied at.
    cap_first: bool = False
    query: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def ref(which: str) -> Kwargs:
    return lambda p: {"reference": getattr(p, which).reference}


def step_kwargs(kind: str) -> Kwargs:
    return lambda p: {"reference": p.review.reference, "step_id": p.step(kind).pk}


def conflict_kwargs(p: Place) -> dict[str, Any]:
    return {
        "reference": p.review.reference,
        "relationship_id": p.review.relationships.get().pk,
    }


def person_kwargs(which: str) -> Kwargs:
    return lambda p: {"public_id": getattr(p, which).person.public_id}


def flag_kwargs(p: Place) -> dict[str, Any]:
    return {"public_id": p.flagged.public_id, "flag_id": p.flag.pk}


def code(p: Place) -> dict[str, Any]:
    return {"code": p.facility.code}


def grant_kwargs(which: str) -> Kwargs:
    return lambda p: {"code": p.facility.code, "grant_id": getattr(p, which).pk}


def session_kwargs(p: Place) -> dict[str, Any]:
    return {"code": p.facility.code, "session_id": p.session.pk}


def _version(kind: str) -> Any:
    """A published agreement, made inside the test's savepoint (the module's world has
    none, so activation there needs no signature)."""
    from volunteers.services.agreements import publish_version

    return publish_version(
        by="tests", kind=kind, title=kind, text_en="Text.", effective_on=age.today()
    )


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 paper", "application/pdf")


def signature_kwargs(p: Place) -> dict[str, Any]:
    from volunteers.services.agreements import record_paper_signature

    signature = record_paper_signature(
        person=p.pending.person,
        version=_version("service_agreement"),
        signed_name=p.pending.person.full_name,
        signed_on=age.today(),
        scan=_scan(),
        by="tests",
        facility=p.facility,
    )
    return {"code": p.facility.code, "grant_id": p.pending.pk, "signature_id": signature.pk}


def paper_signature(p: Place) -> dict[str, Any]:
    return {
        "version": _version("prea").pk,
        "signed_name": p.pending.person.full_name,
        "signed_on": age.today().isoformat(),
        "language": "en",
        "scan": _scan(),
    }


def new_session(p: Place) -> dict[str, Any]:
    return {
        "course": Course.objects.get(code="prea").pk,
        "place": "Chapel",
        "starts_at": timezone.localtime(in_days(7)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(in_days(7, hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "12",
    }


ROUTES = [
    # Pages.
    Route("staff:home", "get", VIEW, scoped=False),
    Route("staff:facilities", "get", VIEW, scoped=False),
    Route("staff:facility", "get", VIEW, code),
    Route("staff:application", "get", VIEW, ref("review")),
    Route("staff:application_pdf", "get", VIEW, ref("submitted")),
    Route(
        "staff:application_document",
        "get",
        VIEW,
        lambda p: {"reference": p.submitted.reference, "document_id": p.document_id},
    ),
    Route("staff:person", "get", VIEW, person_kwargs("review")),
    Route("staff:paper_application", "get", RECORD, code, query="?kind=volunteer"),
    Route("staff:coordinators", "get", PROGRAM, code),
    # The actions' own pages (their forms, loaded on demand by the application page).
    Route("staff:add_note", "get", RECORD, ref("review")),
    Route("staff:request_information", "get", RECORD, ref("review")),
    Route("staff:answered_another_way", "get", RECORD, ref("info")),
    Route("staff:record_step", "get", RECORD, step_kwargs(StepKind.COMPLETENESS)),
    Route("staff:add_check", "get", RECORD, step_kwargs(StepKind.BACKGROUND_CHECK)),
    Route(
        "staff:rerun_check",
        "get",
        RECORD,
        lambda p: {"reference": p.review.reference, "check_id": p.check_id},
    ),
    Route(
        "staff:void_check",
        "get",
        RECORD,
        lambda p: {"reference": p.review.reference, "check_id": p.check_id},
    ),
    Route("staff:withdraw_on_behalf", "get", RECORD, ref("submitted")),
    Route("staff:waive_step", "get", DECIDE, step_kwargs(StepKind.INTERVIEW)),
    Route("staff:resolve_conflict", "get", DECIDE, conflict_kwargs),
    Route("staff:decline", "get", DECIDE, ref("review")),
    Route("staff:approve", "get", DECIDE, ref("review")),
    # Recording.
    Route("staff:start_review", "post", RECORD, ref("submitted"), success=302),
    Route("staff:add_note", "post", RECORD, ref("review"), lambda p: {"text": "Called."}, 302),
    Route(
        "staff:request_information",
        "post",
        RECORD,
        ref("review"),
        lambda p: {
            "message": "Which evenings?",
            "sections": [S.PLACEMENT],
            "due_on": (age.today() + timedelta(days=20)).isoformat(),
        },
        302,
    ),
    Route(
        "staff:answered_another_way",
        "post",
        RECORD,
        ref("info"),
        lambda p: {"note": "Answered by phone."},
        302,
    ),
    Route(
        "staff:record_step",
        "post",
        RECORD,
        step_kwargs(StepKind.COMPLETENESS),
        lambda p: {f"step-{p.step(StepKind.COMPLETENESS).pk}-state": "passed"},
        302,
    ),
    Route(
        "staff:add_check",
        "post",
        RECORD,
        step_kwargs(StepKind.BACKGROUND_CHECK),
        lambda p: {
            "check_type": "mules",
            "run_on": age.today().isoformat(),
            "outcome": "cleared",
            "performed_by": "Missouri State Highway Patrol",
        },
        302,
    ),
    Route(
        "staff:rerun_check",
        "post",
        RECORD,
        lambda p: {"reference": p.review.reference, "check_id": p.check_id},
        lambda p: {
            f"rerun-{p.check_id}-run_on": age.today().isoformat(),
            f"rerun-{p.check_id}-outcome": "cleared",
            f"rerun-{p.check_id}-performed_by": "MSHP",
            f"rerun-{p.check_id}-reason": "A name mix-up; run again with the birth date.",
        },
        302,
    ),
    Route(
        "staff:void_check",
        "post",
        RECORD,
        lambda p: {"reference": p.review.reference, "check_id": p.check_id},
        lambda p: {f"void-{p.check_id}-reason": "Keyed in on the wrong application."},
        302,
    ),
    Route(
        "staff:withdraw_on_behalf",
        "post",
        RECORD,
        ref("submitted"),
        lambda p: {"reason": "Phoned to withdraw."},
        302,
    ),
    # The paper form comes back with its errors: nothing was typed.
    Route(
        "staff:paper_application",
        "post",
        RECORD,
        code,
        lambda p: {"kind": "volunteer"},
        200,
        query="?kind=volunteer",
    ),
    # Deciding.
    Route(
        "staff:waive_step",
        "post",
        DECIDE,
        step_kwargs(StepKind.INTERVIEW),
        lambda p: {f"waive-{p.step(StepKind.INTERVIEW).pk}-reason": "Known for years."},
        302,
    ),
    Route(
        "staff:resolve_conflict",
        "post",
        DECIDE,
        conflict_kwargs,
        lambda p: {f"conflict-{p.review.relationships.get().pk}-note": "Other wing."},
        302,
    ),
    Route("staff:decline", "post", DECIDE, ref("submitted"), lambda p: {"reason": "other"}, 302),
    # Revealing an identifier: the decide capability (not a chaplain's), one at a time.
    Route("staff:reveal_identifier", "get", DECIDE, ref("review")),
    Route(
        "staff:reveal_identifier",
        "post",
        DECIDE,
        ref("review"),
        lambda p: {"field": "ssn", "reason": "Running the MULES check"},
    ),
    # The gate is closed (no step passed): the page again, with what is missing.
    Route("staff:approve", "post", DECIDE, ref("review"), lambda p: {"level": "no_contact"}),
    # The program.
    Route(
        "staff:ban",
        "post",
        PROGRAM,
        person_kwargs("submitted"),
        lambda p: {"reason": "Contraband."},
        302,
        cap_first=True,
    ),
    Route(
        "staff:lift_ban",
        "post",
        PROGRAM,
        person_kwargs("info"),
        lambda p: {"reason": "Cleared on appeal."},
        302,
        cap_first=True,
    ),
    Route("staff:merge", "post", PROGRAM, flag_kwargs, success=302, cap_first=True),
    Route("staff:dismiss_duplicate", "post", PROGRAM, flag_kwargs, success=302, cap_first=True),
    Route(
        "staff:coordinators",
        "post",
        PROGRAM,
        code,
        lambda p: {
            "email": "new.coordinator@doc.example.org",
            "first_name": "Nia",
            "last_name": "Banks",
            "role": Role.IAC,
        },
        302,
    ),
    Route(
        "staff:remove_coordinator",
        "post",
        PROGRAM,
        lambda p: {"code": p.facility.code, "membership_id": p.removable.pk},
        success=302,
    ),
    # Facility access, rosters and training sessions.
    Route("volunteers:roster", "get", VIEW, code),
    Route("volunteers:kiosk", "get", VIEW, code),
    Route("volunteers:roster_csv", "get", VIEW, code),
    Route("volunteers:access", "get", VIEW, grant_kwargs("pending")),
    Route("volunteers:access_letter", "get", VIEW, grant_kwargs("active")),
    Route("volunteers:access_badge", "get", VIEW, grant_kwargs("active")),
    Route(
        "volunteers:access_tb_scan",
        "get",
        VIEW,
        lambda p: {"code": p.facility.code, "grant_id": p.active.pk, "test_id": p.tb_test_id},
    ),
    Route(
        "volunteers:access_completion",
        "post",
        RECORD,
        grant_kwargs("pending"),
        lambda p: {
            "course": Course.objects.get(code="prea").pk,
            "completed_on": age.today().isoformat(),
        },
        302,
    ),
    Route(
        "volunteers:access_tb_test",
        "post",
        RECORD,
        grant_kwargs("pending"),
        lambda p: {"tested_on": age.today().isoformat(), "result": "negative"},
        302,
    ),
    Route(
        "volunteers:access_enrol",
        "post",
        RECORD,
        grant_kwargs("pending"),
        lambda p: {"session": p.session.pk},
        302,
    ),
    # Nothing is done yet: the page again, with what activation still needs.
    Route("volunteers:access_activate", "post", DECIDE, grant_kwargs("pending")),
    # Already at offender contact: the page again, with the refusal.
    Route("volunteers:access_upgrade", "post", DECIDE, grant_kwargs("active")),
    Route("volunteers:sessions", "get", VIEW, code),
    Route("volunteers:sessions", "post", RECORD, code, new_session, 302),
    Route("volunteers:session", "get", VIEW, session_kwargs),
    Route(
        "volunteers:session",
        "post",
        RECORD,
        session_kwargs,
        lambda p: {"person": p.pending.person.pk},
        302,
    ),
    Route(
        "volunteers:cancel_enrolment",
        "post",
        RECORD,
        lambda p: {**session_kwargs(p), "enrollment_id": p.enrollment.pk},
        success=302,
    ),
    # Reports: every coordinator's own facilities (tests/reports/test_scoping.py has the rows).
    Route("reports:overview", "get", VIEW, scoped=False),
    Route("reports:page", "get", VIEW, lambda p: {"page": "pipeline"}, scoped=False),
    Route(
        "reports:csv",
        "get",
        VIEW,
        lambda p: {"page": "hours", "table": "hours-by-facility"},
        scoped=False,
    ),
    Route("reports:audit", "get", PROGRAM, scoped=False, cap_first=True),
    Route("reports:audit_csv", "get", PROGRAM, scoped=False, cap_first=True),
    Route("volunteers:clearance", "get", VIEW, code),
    Route("volunteers:clearance_pdf", "get", VIEW, code),
    Route("volunteers:clearance_csv", "get", VIEW, code),
    Route("volunteers:access_agreements", "get", VIEW, grant_kwargs("pending")),
    Route("volunteers:access_agreement_pdf", "get", VIEW, signature_kwargs),
    Route("volunteers:access_agreement_scan", "get", VIEW, signature_kwargs),
    Route(
        "volunteers:access_agreement_paper",
        "post",
        RECORD,
        grant_kwargs("pending"),
        paper_signature,
        302,
    ),
    Route("volunteers:agreements", "get", PROGRAM, scoped=False, cap_first=True),
    Route(
        "volunteers:agreement_publish",
        "post",
        PROGRAM,
        data=lambda p: {
            "kind": "confidentiality",
            "title": "Confidentiality",
            "text_en": "Keep it.",
            "effective_on": age.today().isoformat(),
        },
        success=302,
        scoped=False,
        cap_first=True,
    ),
    Route("volunteers:statewide_sessions", "get", PROGRAM, scoped=False, cap_first=True),
    Route(
        "volunteers:statewide_sessions",
        "post",
        PROGRAM,
        data=new_session,
        success=302,
        scoped=False,
        cap_first=True,
    ),
    Route(
        "volunteers:statewide_session",
        "get",
        PROGRAM,
        lambda p: {"session_id": p.statewide.pk},
        scoped=False,
        cap_first=True,
    ),
    Route(
        "volunteers:statewide_session",
        "post",
        PROGRAM,
        lambda p: {"session_id": p.statewide.pk},
        lambda p: {"person": p.pending.person.pk},
        302,
        scoped=False,
        cap_first=True,
    ),
    # Program visits and partner organizations (outreach/).
    Route("visits_staff:inbox", "get", VIEW, code),
    Route(
        "visits_staff:schedule",
        "post",
        RECORD,
        lambda p: {"code": p.facility.code, "pk": p.visit_request.pk},
        lambda p: {
            "on": (age.today() + timedelta(days=9)).isoformat(),
            "at": "14:00",
            "program": "religious",
            "escort": p.escort.pk,
        },
        302,
    ),
    Route(
        "visits_staff:decline",
        "post",
        RECORD,
        lambda p: {"code": p.facility.code, "pk": p.visit_request.pk},
        lambda p: {"reason": "No escort is free this season."},
        302,
    ),
    Route(
        "visits_staff:record",
        "post",
        RECORD,
        lambda p: {"code": p.facility.code, "pk": p.visit.pk},
        lambda p: {"outcome": "made"},
        302,
    ),
    Route("visits_staff:application_visits", "get", VIEW, ref("review")),
    Route("organizations:list", "get", VIEW, scoped=False),
    Route("organizations:detail", "get", VIEW, lambda p: {"public_id": p.organization.public_id}),
    Route(
        "organizations:verify",
        "post",
        PROGRAM,
        lambda p: {"public_id": p.organization.public_id},
        success=302,
        cap_first=True,
    ),
    Route(
        "organizations:merge",
        "post",
        PROGRAM,
        lambda p: {"public_id": p.organization.public_id},
        lambda p: {"into": str(p.merge_target.public_id)},
        302,
        cap_first=True,
    ),
]


def expected(route: Route, role: str, where: str) -> int | str:
    if role == "anonymous":
        return "sign-in"
    if role in ("applicant", "no_role"):
        return 403
    if role == "pic":
        return route.success
    held = ROLE_CAPABILITIES[role]
    if route.cap_first and route.cap not in held:
        return 403
    if where == "other" and route.scoped:
        return 404
    if route.cap not in held:
        return 403
    return route.success


CASES = [
    pytest.param(route, role, where, id=f"{route.id}-{role}-{where}")
    for route in ROUTES
    for role in ROLES
    for where in ("own", "other")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "where"), CASES)
def test_permission_matrix(
    world: World, client: Client, route: Route, role: str, where: str
) -> None:
    place = world.places[where]
    url = reverse(route.name, kwargs=route.kwargs(place)) + route.query
    if role != "anonymous":
        client.force_login(world.users[role])

    response = getattr(client, route.method)(url, route.data(place))

    want = expected(route, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    detail = "" if response.status_code in (200, 302) else response.content.decode()[:300]
    assert response.status_code == want, detail
    if want == 302:
        # An action that succeeded goes back to a staff page, not to the sign-in.
        assert response["Location"].startswith("/staff/")
        assert not response["Location"].startswith("/staff/login/")


# The table covers every staff URL, and every staff URL is guarded -----------------------


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Any]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, route, inner)
        else:
            yield route, f"{namespace}{entry.name}", entry


def staff_routes() -> list[tuple[str, str, URLPattern]]:
    return [e for e in walk(get_resolver("pic.urls")) if e[0].startswith("staff/")]


# Matrices kept beside their features (role by own/other facility, the same pattern).
OTHER_MATRICES = (
    "tests.volunteers.test_activation_permissions",
    "tests.volunteers.test_clearance_agreements_permissions",
    "tests.volunteers.test_hours_permissions",
    "tests.volunteers.test_lifecycle_views",
    "tests.volunteers.test_kiosk_staff",
    "tests.outreach.test_permissions",
    "tests.facilities.test_statewide_page",
    "tests.pic.test_help",
    "tests.accounts.test_security_permissions",
)


def covered_elsewhere() -> set[str]:
    import importlib

    names: set[str] = set()
    for module_name in OTHER_MATRICES:
        for route in importlib.import_module(module_name).ROUTES:
            names.add(
                route[0] if isinstance(route, tuple) and not hasattr(route, "name") else route.name
            )
    return names


def test_every_staff_url_is_in_the_matrix() -> None:
    """This table, or one of the matrices kept beside their views' tests, covers every
    staff URL."""
    names = {name for _route, name, _pattern in staff_routes()}

    assert names >= PUBLIC_STAFF_NAMES | SIGN_IN_STEPS  # the exemptions are real routes
    assert {
        r.name for r in ROUTES
    } | covered_elsewhere() == names - PUBLIC_STAFF_NAMES - SIGN_IN_STEPS


def test_every_staff_route_wears_the_guard() -> None:
    guarded, unguarded = [], []
    for route, name, pattern in staff_routes():
        if name in PUBLIC_STAFF_NAMES | SIGN_IN_STEPS:
            continue
        if hasattr(pattern.callback, "pic_guard"):
            guarded.append(route)
        else:
            unguarded.append(route)

    assert unguarded == []
    assert len(guarded) >= 20
    for _route, name, pattern in staff_routes():
        if name not in PUBLIC_STAFF_NAMES | SIGN_IN_STEPS:
            assert pattern.callback.pic_guard in set(Capability)


def test_the_table_states_the_guards_capability() -> None:
    """Where a route names one capability for its guard, it is the table's."""
    callbacks = {name: pattern.callback for _route, name, pattern in staff_routes()}
    for route in ROUTES:
        guard = callbacks[route.name].pic_guard
        # Application actions are guarded for `view` (someone of the staff) and check the
        # capability at the application's facility.
        assert guard in (route.cap, VIEW), route.id
