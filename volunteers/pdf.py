"""The approval letter and the badge sheet of a facility access grant, as PDFs.

Both reuse the application PDFs' approach (applications.pdf): a Django template rendered to
US Letter by WeasyPrint, which may load nothing but the project's static files; header and
footer strings reach CSS only through css_string; everything the person typed goes through
Django's autoescaping; and each is rendered in the person's preferred language.

- approval_letter_pdf: a formal letter on department letterhead from the facility's
  coordinator, dated the day the access began (templates/pdf/approval_letter.html).
- badge_sheet_pdf: one page with the ID card to cut out (credit-card size, front and back;
  the back carries the badge number as a QR code for the gate kiosk) and a record table for
  the badge office (templates/pdf/badge_sheet.html).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.languages import rendered_language
from applications import age
from applications.models import AccessLevel, Kind, Person
from applications.pdf import css_string, url_fetcher
from facilities.models import Facility, FacilityKind
from volunteers.models import Course, FacilityAccess

if TYPE_CHECKING:
    from volunteers.clearance import ClearanceList
    from volunteers.models import AgreementSignature

# The annual in-service requirement when the course catalogue does not say (DESIGN rule 8).
DEFAULT_IN_SERVICE_HOURS = Decimal(6)
CONTACT_AGE = 19
# The card's name type by length: (longest name, size class); longer still: "xxs".
CARD_NAME_SIZES = [(24, "m"), (36, "s"), (70, "xs")]
# A badge number longer than this (a long facility code) is printed smaller on the card.
CARD_BADGE_LONG = 12


def long_date(value: date | None) -> str:
    """A date as written in a letter, month spelled out (e.g. "March 2, 2026")."""
    if value is None:
        return ""
    # Some locales abbreviate the month in DATE_FORMAT ("N"); a letter spells it out.
    return str(formats.date_format(value, formats.get_format("DATE_FORMAT").replace("N", "F")))


def short_date(value: date | None) -> str:
    """A date as printed on the card (e.g. 03/01/2028)."""
    return str(formats.date_format(value, "SHORT_DATE_FORMAT")) if value else ""


def _hours(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def in_service_hours() -> str:
    """Hours of annual in-service training required in any 12 months."""
    required = (
        Course.objects.filter(is_active=True, annual_hours_required__isnull=False)
        .values_list("annual_hours_required", flat=True)
        .first()
    )
    return _hours(required if required is not None else DEFAULT_IN_SERVICE_HOURS)


def coordinator_title(facility: Facility) -> str:
    if facility.kind == FacilityKind.ADULT_INSTITUTION:
        return _("Institutional Activities Coordinator")
    return _("PIC Site Coordinator")


def facility_lines(facility: Facility) -> list[str]:
    """The facility's address and phone, as far as the directory knows them."""
    lines = []
    if facility.street_address:
        lines.append(facility.street_address)
    if facility.city or facility.zip:
        place = ", ".join(part for part in (facility.city, "MO") if part)
        lines.append(f"{place} {facility.zip}".strip())
    if facility.phone:
        lines.append(_("Phone %(phone)s") % {"phone": facility.phone.as_national})
    return lines


def mailing_lines(person: Person) -> list[str]:
    """The person's mailing address, one line each, empty parts left out."""
    lines = [person.street_address] if person.street_address else []
    city_state = ", ".join(part for part in (person.city, person.state) if part)
    last = " ".join(part for part in (city_state, person.zip) if part)
    if last:
        lines.append(last)
    return lines


def contact_eligible_on(grant: FacilityAccess) -> date | None:
    """The day offender contact may be added, for a grant activated below its approval."""
    if grant.level_approved != AccessLevel.CONTACT or grant.level_effective != (
        AccessLevel.NO_CONTACT
    ):
        return None
    if grant.contact_eligible_on:
        return grant.contact_eligible_on
    born = grant.person.date_of_birth
    reaching = age.date_reaching(born, CONTACT_AGE) if born else None
    # Past the 19th birthday, no contact is a coordinator's lowering, not a wait.
    return reaching if reaching and reaching > age.today() else None


def _level(grant: FacilityAccess) -> str:
    return grant.level_effective or grant.level_approved


def _context(grant: FacilityAccess) -> dict[str, Any]:
    person = grant.person
    facility = grant.facility
    reference = grant.application.reference or ""
    level = _level(grant)
    department = _("Missouri Department of Corrections")
    program = _("Partners in Corrections")
    name = person.full_name or str(person)
    return {
        "grant": grant,
        "person": person,
        "name": name,
        "facility": facility,
        "facility_lines": facility_lines(facility),
        "department": department,
        "program": program,
        "reference": reference,
        "kind": str(Kind(grant.kind).label),
        "level": str(AccessLevel(level).label) if level else "",
        "is_contact": level == AccessLevel.CONTACT,
        "level_approved": str(AccessLevel(grant.level_approved).label),
        "level_differs": grant.level_differs,
        "badge_number": grant.badge_number or "",
        "starts_on": long_date(grant.starts_on),
        "expires_on": long_date(grant.expires_on),
        "eligible_on": long_date(contact_eligible_on(grant)),
        "coordinator_title": coordinator_title(facility),
    }


def _css(header_right: str, reference: str, department: str, program: str) -> dict[str, Any]:
    return {
        "header_left": css_string(f"{department} \u2014 {program}"),
        "header_right": css_string(header_right),
        "reference": css_string(
            _("Reference %(reference)s") % {"reference": reference} if reference else ""
        ),
        "page": css_string(_("Page")),
        "of": css_string(_("of")),
    }


def weasyprint_html(html: str) -> Any:
    """WeasyPrint's document for `html`, loading nothing but the project's static files."""
    from weasyprint import HTML  # imported here: it takes about a second

    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher())


def _pdf(html: str) -> bytes:
    return bytes(weasyprint_html(html).write_pdf(pdf_tags=True))


def approval_letter_pdf(grant: FacilityAccess) -> bytes:
    """The letter telling the person their access is approved, with its terms and rules."""
    with translation.override(rendered_language(grant.person.preferred_language)):
        context = _context(grant)
        title = _("Approval of facility access")
        name = context["name"]
        context["letter_date"] = long_date(grant.starts_on or age.today())
        context.update(
            title=title,
            mailing_lines=mailing_lines(grant.person),
            salutation=_("Dear %(name)s:") % {"name": name},
            in_service_hours=in_service_hours(),
            css=_css(
                f"{name} \u00b7 {context['letter_date']}",
                context["reference"],
                context["department"],
                context["program"],
            ),
        )
        return _pdf(render_to_string("pdf/approval_letter.html", context))


def badge_qr_svg(badge_number: str) -> SafeString:
    """The badge number as a QR code (inline SVG, drawn here: no image is fetched), for the
    gate kiosk's scanner. It holds the badge number and nothing else, so a phone that scans
    a lost badge learns no more than the card shows."""
    import segno

    code = segno.make(badge_number, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=2, omitsize=True, svgclass="badge-qr", title=escape(badge_number)
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the one text in it is escaped


def badge_sheet_pdf(grant: FacilityAccess) -> bytes:
    """One page: the ID card to cut out, and the badge office's record of its issue."""
    return _pdf(badge_sheet_html(grant))


def badge_sheet_html(grant: FacilityAccess) -> str:
    """The badge sheet's HTML, as WeasyPrint is given it."""
    with translation.override(rendered_language(grant.person.preferred_language)):
        context = _context(grant)
        name = context["name"]
        person = grant.person
        context.update(
            title=_("Volunteer badge sheet"),
            card_valid_until=short_date(grant.expires_on),
            card_issued=short_date(grant.starts_on),
            badge_size="s" if len(grant.badge_number or "") > CARD_BADGE_LONG else "m",
            badge_qr=badge_qr_svg(grant.badge_number) if grant.badge_number else "",
            name_size=next((size for most, size in CARD_NAME_SIZES if len(name) <= most), "xxs"),
            date_of_birth=long_date(person.date_of_birth),
            css=_css(
                _("Volunteer badge sheet"),
                context["reference"],
                context["department"],
                context["program"],
            ),
        )
        return render_to_string("pdf/badge_sheet.html", context)


def clearance_pdf(clearance: "ClearanceList") -> bytes:
    """The gate clearance list of one facility and day, printed for the officer at the gate
    (landscape, a photo box per person, the level in large type)."""
    facility = clearance.facility
    department = _("Missouri Department of Corrections")
    program = _("Partners in Corrections")
    day = long_date(clearance.on)
    title = _("Gate clearance list")
    context = {
        "title": title,
        "list": clearance,
        "day": day,
        "facility": facility,
        "facility_lines": facility_lines(facility),
        "department": department,
        "program": program,
        "rows": [
            {
                "name": row.grant.person.full_name,
                "badge": row.grant.badge_number or "",
                "level": row.level_label,
                "is_contact": row.is_contact,
                "warnings": [
                    {"label": w.label, "on": long_date(w.on), "overdue": w.overdue}
                    for w in row.warnings
                ],
            }
            for row in clearance.admitted
        ],
        "refused": [
            {
                "name": row.person.full_name,
                "badge": row.badge_number,
                "reason": row.reason,
                "since": long_date(row.since),
            }
            for row in clearance.refused
        ],
        "css": _css(f"{title} \u00b7 {facility.name} \u00b7 {day}", "", department, program),
    }
    return _pdf(render_to_string("pdf/clearance.html", context))


def agreement_pdf(signature: "AgreementSignature", facility: Facility | None = None) -> bytes:
    """A signed agreement: the exact text the person signed, in the language signed, and
    the signature's record (typed name, date, IP, the text's fingerprint)."""
    from volunteers.agreements import signed_text

    version = signature.version
    with translation.override(signature.language):
        department = _("Missouri Department of Corrections")
        program = _("Partners in Corrections")
        context = {
            "title": version.title,
            "kind": version.get_kind_display(),
            "version": version,
            "language": signature.language,
            "effective_on": long_date(version.effective_on),
            "text": signed_text(signature),
            "signature": signature,
            "signed_on": long_date(signature.signed_on),
            "facility": facility,
            "facility_lines": facility_lines(facility) if facility else [],
            "department": department,
            "program": program,
            "css": _css(signature.signed_name, "", department, program),
        }
        return _pdf(render_to_string("pdf/agreement.html", context))
