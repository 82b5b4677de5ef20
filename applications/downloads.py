"""Responses for private files: the application PDFs and supporting documents.

Shared by the applicant's and the staff's download views; both have checked permission
before they get here. Every download of a document is audited.
"""

from typing import Any

from django.http import FileResponse, HttpResponse

from applications.models import ApplicationDocument
from audit.services import record


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def document_response(document: ApplicationDocument, *, by: Any) -> FileResponse:
    """Audit the download, then stream the file as an attachment under its uploaded name."""
    record(
        by=by,
        action="applications.document_downloaded",
        target=document,
        facility=document.application.facility,
    )
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
