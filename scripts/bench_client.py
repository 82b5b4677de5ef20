"""The applicant's whole wizard as a browser drives it, for `make bench` (scripts/bench.py
times it; scripts/bench_locust.py puts it in the load test's mix).

Plain HTTP with requests: GET each page, take its CSRF token, POST the section's answers,
follow nothing, check every redirect goes where the wizard sends a browser. The server
runs production settings, so its cookies are Secure; the loopback bench speaks plain HTTP,
so after each answer the client drops that flag from the cookies it keeps and sends them
anyway (the server never sees the difference).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTION = re.compile(r"^/account/applications/([0-9a-f-]{36})/([a-z_]+)/$")
# The wizard's sections in order (applications/sections.py SLUGS), checked against the
# server's own redirects as the client goes.
SLUGS = [
    "identity",
    "placement",
    "organisation",
    "criminal_history",
    "relationships",
    "employment",
    "documents",
    "acknowledgements",
]


class WizardError(Exception):
    """A step answered something a browser would not have gone on from."""


def session(base: str, cookies: Mapping[str, str] | None = None) -> requests.Session:
    """A requests session for `base` holding `cookies`."""
    client = requests.Session()
    host = base.split("//", 1)[1].split(":")[0]
    for name, value in (cookies or {}).items():
        client.cookies.set(name, value, domain=host, path="/")
    return client


def unsecure(client: requests.Session) -> None:
    """Let the jar send the server's Secure cookies over loopback HTTP. (A cookie policy
    would not do: requests copies the cookies into a jar of its own for each request.)"""
    for cookie in client.cookies:
        cookie.secure = False


Named = Callable[[str], dict[str, Any]]


def _plain(name: str) -> dict[str, Any]:
    return {}


def token(response: requests.Response) -> str:
    found = CSRF.search(response.text)
    if found is None:
        raise WizardError(f"no CSRF token on {response.url} ({response.status_code})")
    return found.group(1)


def _expect(response: requests.Response, status: int, where: str) -> None:
    if response.status_code != status:
        raise WizardError(f"{where}: {response.status_code}, expected {status}")


def location(response: requests.Response) -> str:
    """The redirect's path (Django sends it relative)."""
    value = response.headers.get("Location", "")
    if "://" in value:
        value = "/" + value.split("://", 1)[1].partition("/")[2]
    return value


def queries(response: requests.Response) -> int:
    return int(response.headers.get("X-Bench-Queries", "0"))


def apply(
    client: requests.Session,
    base: str,
    *,
    facility: str,
    answers: Mapping[str, Mapping[str, str]],
    named: Named = _plain,
    pause: Callable[[], None] = lambda: None,
) -> tuple[str, int, int]:
    """Start an application at `facility`, answer every section, submit; return the
    application's path, the requests made and the SQL queries the server ran for them."""
    made = 0
    ran = 0

    def get(path: str, name: str) -> requests.Response:
        nonlocal made, ran
        response = client.get(base + path, allow_redirects=False, timeout=120, **named(name))
        made, ran = made + 1, ran + queries(response)
        unsecure(client)
        _expect(response, 200, f"GET {path}")
        return response

    def post(path: str, name: str, data: Mapping[str, str], csrf: str) -> str:
        nonlocal made, ran
        response = client.post(
            base + path,
            data={**data, "csrfmiddlewaretoken": csrf},
            headers={"Referer": base + path},
            allow_redirects=False,
            timeout=120,
            **named(name),
        )
        made, ran = made + 1, ran + queries(response)
        unsecure(client)
        _expect(response, 302, f"POST {path}")
        return location(response)

    page = get(f"/account/apply/?facility={facility}&kind=volunteer", "apply")
    pause()
    path = post(
        "/account/apply/", "apply", {"facility": facility, "kind": "volunteer"}, token(page)
    )
    for slug in SLUGS:
        matched = SECTION.match(path)
        if matched is None or matched.group(2) != slug:
            raise WizardError(f"expected section {slug}, was sent to {path!r}")
        page = get(path, f"section {slug}")
        pause()
        path = post(
            path, f"section {slug}", {**answers.get(slug, {}), "action": "continue"}, token(page)
        )
    if not path.endswith("/review/"):
        raise WizardError(f"expected the review page, was sent to {path!r}")
    page = get(path, "review")
    pause()
    detail = post(path, "submit", {}, token(page))
    if detail != path.removesuffix("review/"):
        raise WizardError(f"submit did not reach the application page (sent to {detail!r})")
    return detail, made, ran
