"""Helpers shared by the applications tests: URLs, POST data, sign-in, mail."""

import re
from datetime import date
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from applications.models import Application, Person
from applications.samples import entries  # noqa: F401 - the tests import it from here


def url(name: str, application: Application, *args: Any) -> str:
    return reverse(f"applications:{name}", args=[application.public_id, *args])


def section_url(application: Application, slug: str) -> str:
    return url("section", application, slug)


def log_in(client: Client, person: Person) -> Client:
    assert person.user is not None
    client.force_login(person.user)
    return client


def page(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def link_path(message: mail.EmailMessage) -> str:
    """The path of the sign-in link in an e-mail."""
    found = re.search(r"https?://testserver(/account/sign-in/[\w-]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def years_before(on: date, years: int) -> date:
    """1 January of the year `years` before `on`: exactly `years` old all through that year."""
    return date(on.year - years, 1, 1)


def request_link(client: Client, email: str, capture: Any, **extra: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("applications:sign_in"), {"email": email}, **extra)


def sign_in_by_link(client: Client, email: str, capture: Any) -> None:
    before = len(mail.outbox)
    response = request_link(client, email, capture)
    assert response.status_code == 302
    assert len(mail.outbox) == before + 1
    response = client.post(link_path(mail.outbox[-1]))
    assert response.status_code == 302


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed (boxes wrap long answers over lines)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())
