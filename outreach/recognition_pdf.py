"""The National Volunteer Week certificate as PDF: US Letter landscape, one page each.

Each certificate is rendered in its volunteer's language; batches of them go through
WeasyPrint as one HTML document each (page breaks between certificates) and the pages of
all batches are written out as one PDF, so a thousand certificates cost a few passes.
"""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.languages import rendered_language
from applications.pdf import url_fetcher
from facilities.models import ProgramSettings

if TYPE_CHECKING:
    from outreach.recognition import Standing


def _hours(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def _certificate(row: "Standing", year: int, signer: str) -> str:
    from volunteers.pdf import long_date

    person = row.grant.person
    with translation.override(rendered_language(person.preferred_language)):
        return render_to_string(
            "pdf/_certificate.html",
            {
                "name": person.full_name or str(person),
                "facility": row.grant.facility.name,
                "year": year,
                "hours": _hours(row.hours_this_year),
                "years": row.years,
                "since": long_date(row.first_activated_on),
                "signer": signer,
                "department": _("Missouri Department of Corrections"),
                "program": _("Partners in Corrections"),
            },
        )


def _document(fragments: list[str], year: int) -> Any:
    from weasyprint import HTML  # imported here: it takes about a second

    html = render_to_string("pdf/certificates.html", {"fragments": fragments, "year": year})
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).render()


def certificates_pdf(
    rows: list["Standing"],
    year: int,
    progress: Callable[[int], None] | None = None,
    chunk: int | None = None,
) -> bytes | None:
    """One PDF of a certificate per row (None when there are no rows); `progress` is told
    how many are done after each batch."""
    from outreach import recognition

    if not rows:
        return None
    size = chunk or recognition.CERTIFICATE_CHUNK
    signer = ProgramSettings.load().pic_coordinator_name
    documents = []
    for start in range(0, len(rows), size):
        fragments = [_certificate(row, year, signer) for row in rows[start : start + size]]
        documents.append(_document(fragments, year))
        if progress is not None:
            progress(min(start + size, len(rows)))
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())
