"""Paper applications keyed in by staff and submitted at once."""

from datetime import date
from typing import Any

from django.db import transaction

from accounts.models import User
from applications import services as app_services
from applications.models import (
    Application,
    Channel,
    Person,
)
from audit.services import record
from facilities.models import Facility

# Paper applications ---------------------------------------------------------------------


@transaction.atomic
def enter_paper_application(
    *,
    by: Any,
    facility: Facility,
    kind: str,
    sections: dict[str, tuple[dict[str, Any], list[dict[str, Any]] | None]],
    scan: Any,
    scan_content_type: str,
    signed_on: date,
    school_letter: Any = None,
) -> Application:
    """Key in a signed paper application for a person without a login and submit it at once.

    `sections` maps each section slug to (cleaned answers, entries or None); a student
    intern's also comes with the school's letter (a checked upload).
    """
    from applications import sections as S

    identity, _entries = sections[S.IDENTITY]
    person = Person.objects.create(email=identity.get("email") or "")
    app_services.save_identity(person=person, cleaned=identity, by=by)
    application = Application.objects.create(
        person=person,
        facility=facility,
        kind=kind,
        channel=Channel.PAPER,
        entered_by=by if isinstance(by, User) else None,
    )
    for slug, (cleaned, entries) in sections.items():
        if slug != S.IDENTITY:
            app_services.save_section(
                application=application, slug=slug, cleaned=cleaned, entries=entries, by=by
            )
    app_services.add_document(
        application=application,
        kind="paper_scan",
        upload=scan,
        content_type=scan_content_type,
        by=by,
    )
    if school_letter is not None:
        app_services.add_document(
            application=application,
            kind="school_letter",
            upload=school_letter,
            content_type=school_letter.sniffed_content_type,
            by=by,
        )
    submitted = app_services.submit_application(application=application, by=by, on_behalf=True)
    submitted.signed_on = signed_on  # the date on the paper, not the day it was keyed in
    submitted.save(update_fields=["signed_on"])
    record(by=by, action="screening.paper_application_entered", target=submitted, facility=facility)
    return submitted
