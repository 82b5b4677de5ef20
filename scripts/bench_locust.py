"""The load test's workload for locust (run by scripts/bench.py, which writes the config).

Four kinds of client, weighted like a working day: visitors reading the directory and
asking for sign-in links, applicants going through the whole wizard and submitting,
coordinators on the queue, applications, people and reports, and gate kiosks signing
volunteers in and out. Every answer that is not what a browser expects is a failure; each
submission the server confirmed is written to the results file, so the bench can count the
rows afterwards (zero lost submissions).
"""

from __future__ import annotations

import json
import os
import random
import threading
from pathlib import Path
from typing import Any

import bench_client
import gevent
from locust import HttpUser, between, events, task

CONFIG: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOAD_CONFIG"]).read_text())
PAGES = {name: (path, who) for name, path, who in CONFIG["pages"]}
APPLICANTS: list[list[Any]] = list(CONFIG["applicants"])
SUBMITTED: list[str] = []
LOCK = threading.Lock()


@events.test_stop.add_listener
def write_results(environment: Any, **_kwargs: Any) -> None:
    # A task that raised is not in locust's request figures: the bench counts it as an error.
    raised = sum(e["count"] for e in environment.runner.exceptions.values())
    Path(CONFIG["results"]).write_text(json.dumps({"submitted": SUBMITTED, "raised": raised}))


def _staff(user: HttpUser, who: str) -> None:
    host = _base(user).split("//", 1)[1].split(":")[0]
    user.client.cookies.set(CONFIG["cookie_name"], CONFIG[who], domain=host, path="/")


def _base(user: HttpUser) -> str:
    return str(user.host)


def _fail(name: str, exc: Exception) -> None:
    """Count a step that could not go on (no CSRF token, a wrong redirect) as a failure."""
    events.request.fire(
        request_type="STEP", name=name, response_time=0, response_length=0, exception=exc
    )


def _get(user: HttpUser, page: str) -> None:
    path, _who = PAGES[page]
    user.client.get(path, name=page, timeout=120)
    bench_client.unsecure(user.client)


class Visitor(HttpUser):
    """Someone reading the public directory, now and then asking for a sign-in link."""

    weight = 8
    wait_time = between(1, 4)

    @task(4)
    def directory(self) -> None:
        _get(self, "directory")

    @task(3)
    def facility(self) -> None:
        _get(self, "facility page")

    @task(1)
    def sign_in_link(self) -> None:
        page = self.client.get("/account/sign-in/", name="sign-in page")
        bench_client.unsecure(self.client)
        email = f"visitor{random.randrange(10**9)}@visitors.bench.example.invalid"  # noqa: S311
        try:
            csrf = bench_client.token(page)
        except bench_client.WizardError as exc:
            _fail("sign-in link request", exc)
            return
        with self.client.post(
            "/account/sign-in/",
            data={"email": email, "csrfmiddlewaretoken": csrf},
            headers={"Referer": _base(self) + "/account/sign-in/"},
            allow_redirects=False,
            name="sign-in link request",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/sign-in/sent/" not in bench_client.location(
                response
            ):
                response.failure(f"sign-in link: {response.status_code}")


class Applicant(HttpUser):
    """One applicant after another through the whole wizard, a short pause on each page."""

    weight = 5
    wait_time = between(1, 3)

    @task
    def apply(self) -> None:
        with LOCK:
            if not APPLICANTS:
                gevent.sleep(5)
                return
            cookie, answers = APPLICANTS.pop()
        self.client.cookies.clear()
        _cookies(self, cookie)

        def named(name: str) -> dict[str, Any]:
            return {"name": f"wizard: {name}"}

        try:
            detail, _made, _ran = bench_client.apply(
                self.client,
                "",
                facility=CONFIG["facility"],
                answers=answers,
                named=named,
                pause=lambda: gevent.sleep(random.uniform(0.2, 1.0)),  # noqa: S311
            )
        except bench_client.WizardError as exc:
            _fail("wizard: whole application", exc)
            return
        with LOCK:
            SUBMITTED.append(detail)


def _cookies(user: HttpUser, cookie: str) -> None:
    host = _base(user).split("//", 1)[1].split(":")[0]
    user.client.cookies.set(CONFIG["cookie_name"], cookie, domain=host, path="/")


class Coordinator(HttpUser):
    """An IAC working the facility's queue; now and then the PIC Coordinator's reports."""

    weight = 4
    wait_time = between(2, 5)

    def on_start(self) -> None:
        _staff(self, "iac")

    @task(4)
    def queue(self) -> None:
        _get(self, random.choice(["queue, IAC", "queue, IAC, filtered", "queue, IAC, search"]))  # noqa: S311

    @task(3)
    def detail(self) -> None:
        _get(self, "application detail")

    @task(1)
    def person(self) -> None:
        _get(self, "person page")

    @task(1)
    def roster(self) -> None:
        _get(self, random.choice(["roster", "clearance list"]))  # noqa: S311


class PicCoordinator(HttpUser):
    """The PIC Coordinator: the statewide queue and the reports."""

    weight = 1
    wait_time = between(3, 8)

    def on_start(self) -> None:
        _staff(self, "pic")

    @task(2)
    def queue(self) -> None:
        _get(self, random.choice(["queue, PIC", "queue, PIC, filtered", "queue, PIC, search"]))  # noqa: S311

    @task(1)
    def report(self) -> None:
        _get(self, random.choice([name for name in PAGES if name.startswith("report")]))  # noqa: S311


class Kiosk(HttpUser):
    """A gate kiosk: volunteers arriving and leaving, one badge at a time."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        host = _base(self).split("//", 1)[1].split(":")[0]
        self.client.cookies.set("pic_kiosk", CONFIG["kiosk_token"], domain=host, path="/kiosk/")
        self.desk = f"/kiosk/{CONFIG['facility']}/"

    @task
    def scan(self) -> None:
        if not CONFIG["badges"]:
            return
        page = self.client.get(self.desk, name="kiosk desk")
        bench_client.unsecure(self.client)
        badge = random.choice(CONFIG["badges"])  # noqa: S311
        try:
            csrf = bench_client.token(page)
        except bench_client.WizardError as exc:
            _fail("kiosk badge", exc)
            return
        with self.client.post(
            self.desk,
            data={"badge": badge, "csrfmiddlewaretoken": csrf},
            headers={"Referer": _base(self) + self.desk},
            name="kiosk badge",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"kiosk: {response.status_code}")
