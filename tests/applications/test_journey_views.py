"""An applicant's whole journey through the views: sign in by link, apply, submit, follow."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications import sections as S
from applications.models import Application, ApplicationEvent, Status
from tests.factories import valid_answers


def sign_in(client, email: str, capture) -> None:
    with capture(execute=True):
        response = client.post(reverse("applications:sign_in"), {"email": email})
    assert response.status_code == 302
    link = re.search(r"https?://\S+/account/sign-in/[\w-]+/", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200  # a GET shows the button and spends nothing
    response = client.post(path)
    assert response.status_code == 302


@pytest.mark.django_db
def test_apply_from_facility_page_to_submitted(
    client, facility, clear_cache, django_capture_on_commit_callbacks
):
    sign_in(client, "new.person@example.org", django_capture_on_commit_callbacks)
    response = client.get(reverse("applications:apply") + "?facility=ACC")
    assert response.status_code == 200
    response = client.post(reverse("applications:apply"), {"facility": "ACC", "kind": "volunteer"})
    application = Application.objects.get()
    assert response.url == reverse("applications:section", args=[application.public_id, "identity"])

    for slug, data in valid_answers("volunteer").items():
        url = reverse("applications:section", args=[application.public_id, slug])
        assert client.get(url).status_code == 200
        response = client.post(url, {**data, "action": "continue"})
        assert response.status_code == 302, response.content.decode()[:3000]
    docs = reverse("applications:section", args=[application.public_id, S.DOCUMENTS])
    assert client.get(docs).status_code == 200

    review = reverse("applications:review", args=[application.public_id])
    assert client.get(review).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review)
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox[1:]] == [
        f"Application {Application.objects.get().reference} received"
    ]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    detail = client.get(reverse("applications:detail", args=[application.public_id]))
    assert application.reference in detail.content.decode()
    assert ApplicationEvent.objects.filter(application=application).count() == 1
