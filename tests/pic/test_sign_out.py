"""Signing out works from the navigation every page shows (issue 8, item 1).

The nav was included `only`, so its `{% csrf_token %}` rendered empty and every sign-out
answered 403: these tests post the form the page actually renders, with CSRF enforced.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import User
from tests.factories import applicant

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM = re.compile(
    r'<form method="post" action="(?P<action>[^"]+)"[^>]*>\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="(?P<token>[^"]+)">'
)


def _nav_sign_out(client: Client, page_url: str, action: str) -> tuple[str, str]:
    html = client.get(page_url).content.decode()
    forms = {m["action"]: m["token"] for m in FORM.finditer(html)}
    assert action in forms, f"no sign-out form carrying a CSRF token on {page_url}"
    return action, forms[action]


@pytest.mark.django_db
def test_an_applicant_signs_out_from_the_nav_with_csrf_enforced() -> None:
    client = Client(enforce_csrf_checks=True)
    person = applicant()
    assert person.user is not None
    client.force_login(person.user)

    action, token = _nav_sign_out(client, "/account/", "/account/sign-out/")
    response = client.post(action, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/account/").status_code == 302


@pytest.mark.django_db
def test_staff_sign_out_from_the_nav_with_csrf_enforced(iac: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(iac)

    action, token = _nav_sign_out(client, "/staff/", "/staff/logout/")
    response = client.post(action, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith("/staff/login/")


INCLUDE_ONLY = re.compile(r'{%\s*include\s+"(?P<name>[^"]+)"(?P<args>[^%]*)\bonly\s*%}')


def test_every_form_included_only_is_given_the_csrf_token() -> None:
    """An `only` include hides csrf_token from the included template unless it is passed."""
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for match in INCLUDE_ONLY.finditer(path.read_text(encoding="utf-8")):
            included = (TEMPLATES / match["name"]).read_text(encoding="utf-8")
            if "{% csrf_token %}" in included and "csrf_token=csrf_token" not in match["args"]:
                missing.append(f"{path.relative_to(TEMPLATES)} includes {match['name']}")
    assert missing == []
