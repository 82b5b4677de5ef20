"""The demo's agreements (`manage.py demo`): one published version of each kind, signed
online by every volunteer whose access is active, so the clearance list shows no overdue."""

from datetime import timedelta
from typing import Any

from applications import age
from volunteers.agreements import unsigned_current
from volunteers.models import AccessStatus, AgreementKind, FacilityAccess
from volunteers.services.agreements import publish_version, sign_agreement

DEMO_TEXTS = {
    AgreementKind.SERVICE: (
        "Volunteer service agreement",
        "I agree to serve as a volunteer of the Missouri Department of Corrections under the "
        "direction of the facility's coordinator.\n\nI will follow the schedule agreed with "
        "the coordinator and tell them in advance when I cannot come.",
        "Acepto servir como voluntario del Departamento de Correcciones de Missouri bajo la "
        "dirección del coordinador de la instalación.",
    ),
    AgreementKind.CONDUCT: (
        "Code of conduct and contraband rules",
        "I will bring no contraband into the facility and carry nothing in or out for any "
        "offender.\n\nI will keep a professional relationship with offenders at all times.",
        "",
    ),
    AgreementKind.CONFIDENTIALITY: (
        "Confidentiality agreement",
        "I will keep confidential what I learn about offenders, staff and security, during "
        "and after my service.",
        "",
    ),
    AgreementKind.PREA: (
        "PREA zero-tolerance acknowledgment",
        "The department has zero tolerance of sexual abuse and sexual harassment (28 CFR "
        "115.32). I will report at once to staff or to the PREA hotline any abuse or "
        "harassment I learn of.",
        "El departamento tiene tolerancia cero ante el abuso y el acoso sexual (28 CFR 115.32).",
    ),
}


def publish_demo_agreements(by: Any) -> int:
    """Publish the four agreements (in effect from 400 days ago) and sign them for every
    active volunteer; returns the number of signatures."""
    effective = age.today() - timedelta(days=400)
    for kind, (title, text_en, text_es) in DEMO_TEXTS.items():
        publish_version(
            by=by, kind=kind, title=title, text_en=text_en, text_es=text_es, effective_on=effective
        )
    count = 0
    people = {g.person for g in FacilityAccess.objects.filter(status=AccessStatus.ACTIVE)}
    for person in people:
        for version in unsigned_current(person, age.today()):
            sign_agreement(
                person=person,
                version=version,
                signed_name=person.full_name,
                by=by,
                ip_address="127.0.0.1",
                language=person.preferred_language,
            )
            count += 1
    return count
