"""manage.py bench_reports: each report page's server time and query count, as the PIC
Coordinator sees it (statewide, default filters), best of a few runs."""

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.mfa import sign_in_past_both_steps
from accounts.models import User
from facilities.services import make_pic_coordinator
from reports.bench import BENCH_DOMAIN
from reports.queries import PAGES

EXTRA = [
    ("audit", "/staff/reports/audit/"),
    ("hours CSV", "/staff/reports/hours/hours-by-facility.csv"),
]


class Command(BaseCommand):
    help = "Time every report page (server time and queries) for a PIC Coordinator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument(
            "--queries",
            action="store_true",
            help="Also print each query of the slowest run with its time, slowest first.",
        )
        parser.add_argument(
            "--only", default="", help="Time only the reports whose name contains this."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user, _created = User.objects.get_or_create(email=f"bench-pic@{BENCH_DOMAIN}")
        if not user.has_usable_password():
            user.set_password(secrets.token_urlsafe(32))  # never used: the client is forced in
            user.save()
        make_pic_coordinator(by="bench_reports", user=user)
        urls = [
            (slug, "/staff/reports/" if slug == "overview" else f"/staff/reports/{slug}/")
            for slug in PAGES
        ]
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, SECURE_SSL_REDIRECT=False, DEBUG=False):
            client = Client()
            sign_in_past_both_steps(client, user)
            self.stdout.write(f"{'report':<12} {'ms':>8} {'queries':>8}")
            for name, url in [*urls, *EXTRA]:
                if options["only"] not in name:
                    continue
                best, count = float("inf"), 0
                worst: tuple[float, list[dict[str, str]]] = (0.0, [])
                for _run in range(options["runs"]):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        if hasattr(response, "streaming_content"):
                            b"".join(response.streaming_content)
                        elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (url, response.status_code)
                    best, count = min(best, elapsed), len(queries)
                    if elapsed >= worst[0]:
                        worst = (elapsed, list(queries.captured_queries))
                self.stdout.write(f"{name:<12} {best:8.0f} {count:8d}")
                if options["queries"]:
                    self.print_queries(*worst)

    def print_queries(self, elapsed: float, queries: list[dict[str, str]]) -> None:
        """The slowest run's queries, slowest first: where a page's time goes."""
        total = sum(float(q["time"]) for q in queries) * 1000
        self.stdout.write(f"  slowest run {elapsed:.0f} ms, of it in the database {total:.0f} ms:")
        for query in sorted(queries, key=lambda q: -float(q["time"])):
            sql = " ".join(query["sql"].split())
            self.stdout.write(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:400]}")
