"""Agreements: the PIC Coordinator publishes versions; a volunteer signs in the portal, or
staff record a paper signature with its scan. Each audited; mail goes on commit."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tasks import send_templated_email
from applications import age
from applications.models import Person
from audit.services import record
from volunteers import compliance_dates
from volunteers.agreements import content_hash, signing_deadline, to_sign
from volunteers.errors import VolunteerError
from volunteers.models import (
    AccessStatus,
    AgreementKind,
    AgreementSignature,
    AgreementVersion,
    FacilityAccess,
)


def _user(by: Any) -> User | None:
    return by if isinstance(by, User) else None


@transaction.atomic
def publish_version(
    *, by: Any, kind: str, title: str, text_en: str, effective_on: date, text_es: str = ""
) -> AgreementVersion:
    """The next version of `kind` (numbered 1, 2, ... per kind). Every active volunteer is
    asked by e-mail to sign it within the program's signing days."""
    if kind not in AgreementKind.values:
        raise VolunteerError(_("Choose which agreement this is."))
    if not title.strip() or not text_en.strip():
        raise VolunteerError(_("An agreement needs a title and its English text."))
    latest = AgreementVersion.objects.filter(kind=kind).aggregate(n=Max("version"))["n"] or 0
    try:
        with transaction.atomic():
            version = AgreementVersion.objects.create(
                kind=kind,
                version=latest + 1,
                title=title.strip(),
                text_en=text_en,
                text_es=text_es,
                effective_on=effective_on,
                content_hash=content_hash(text_en, text_es),
                published_by=_user(by),
            )
    except IntegrityError:
        raise VolunteerError(
            _("Another version of this agreement was just published: please try again.")
        ) from None
    # Everyone holding a grant is asked to sign it: their unsigned rows, for the report.
    compliance_dates.refresh()
    record(
        by=by,
        action="volunteers.agreement_published",
        target=version,
        details={"kind": kind, "version": version.version, "hash": version.content_hash},
    )
    transaction.on_commit(lambda: _ask_active_volunteers(version))
    return version


def _ask_active_volunteers(version: AgreementVersion) -> None:
    deadline = signing_deadline(version)
    people = Person.objects.filter(grants__status=AccessStatus.ACTIVE, email__gt="").distinct()
    for person in people:
        send_templated_email.enqueue(
            to=[person.email],
            template="agreement_published",
            context={
                "name": person.first_name or person.full_name,
                "title": version.title,
                "deadline": deadline.isoformat(),
                "url": reverse("volunteers_portal:agreement", args=[version.pk]),
            },
            language=person.preferred_language,
        )


def _signable(person: Person, version: AgreementVersion, on: date) -> AgreementVersion:
    """Refuse a version the person cannot sign now; one whose text no longer matches its
    published hash is never signed."""
    if AgreementSignature.objects.filter(person=person, version=version).exists():
        raise VolunteerError(_("This agreement is already signed."))
    if version.pk not in {v.pk for v in to_sign(person, on)}:
        raise VolunteerError(_("This version of the agreement is no longer in effect."))
    if content_hash(version.text_en, version.text_es) != version.content_hash:
        raise VolunteerError(_("This agreement's text has changed since it was published."))
    return version


def _facility_of(person: Person) -> Any:
    grant = FacilityAccess.objects.live().filter(person=person).select_related("facility").first()
    return grant.facility if grant else None


@transaction.atomic
def sign_agreement(
    *,
    person: Person,
    version: AgreementVersion,
    signed_name: str,
    by: Any,
    ip_address: str | None,
    language: str = "en",
) -> AgreementSignature:
    """The volunteer's own signature in the portal: typed name, today, IP and the hash."""
    Person.objects.select_for_update().get(pk=person.pk)
    today = age.today()
    _signable(person, version, today)
    signature = AgreementSignature.objects.create(
        person=person,
        version=version,
        signed_name=" ".join(signed_name.split()),
        signed_on=today,
        ip_address=ip_address,
        version_hash=version.content_hash,
        language="es" if language == "es" and version.text_es else "en",
        recorded_by=_user(by),
    )
    compliance_dates.refresh(people=[person.pk])
    record(
        by=by,
        action="volunteers.agreement_signed",
        target=signature,
        facility=_facility_of(person),
        details={"version": version.pk, "hash": version.content_hash},
        ip=ip_address,
    )
    return signature


@transaction.atomic
def record_paper_signature(
    *,
    person: Person,
    version: AgreementVersion,
    signed_name: str,
    signed_on: date,
    scan: Any,
    by: Any,
    facility: Any = None,
    language: str = "en",
) -> AgreementSignature:
    """Staff record a signature given on paper, with its scan, on behalf of the person."""
    if scan is None:
        raise VolunteerError(_("Attach the scan of the signed paper."))
    if signed_on > age.today():
        raise VolunteerError(_("A signature date cannot be in the future."))
    Person.objects.select_for_update().get(pk=person.pk)
    _signable(person, version, age.today())
    signature = AgreementSignature(
        person=person,
        version=version,
        signed_name=" ".join(signed_name.split()),
        signed_on=signed_on,
        version_hash=version.content_hash,
        language="es" if language == "es" and version.text_es else "en",
        on_behalf=True,
        recorded_by=_user(by),
        facility=facility,
    )
    signature.scan.save("scan", scan, save=False)
    signature.save()
    compliance_dates.refresh(people=[person.pk])
    record(
        by=by,
        action="volunteers.agreement_recorded_on_behalf",
        target=signature,
        facility=facility,
        details={"version": version.pk, "hash": version.content_hash},
    )
    return signature
