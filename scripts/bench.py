#!/usr/bin/env python3
"""Benchmark the busiest pages at two sizes and report timings and their ratio.

    .venv/bin/python scripts/bench.py [--small 20] [--large 200] [--repeat 15]

Builds a throwaway SQLite database (or uses DATABASE_URL), loads the facility directory,
creates applications through the services, then times pages with Django's test client.
A page whose time grows with the number of rows shows a ratio well above 1; the tests
assert query counts, this reports wall time.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pic.settings")
    os.environ["PIC_SKIP_DOTENV"] = "1"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault(
        "PIC_FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1mZXJuZXQta2V5LTAxMjM0NTY3ODk="
    )
    os.environ.setdefault("PIC_IDENTIFIER_HASH_KEY", "bench-only")
    os.environ.setdefault("SQLITE_PATH", str(database))
    os.environ.setdefault("PIC_MEDIA_ROOT", str(database.parent / "media"))
    import django

    django.setup()
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="STORAGES", value=settings.STORAGES, enter=True)


def build(count: int) -> dict[str, object]:
    """`count` submitted applications at ACC, half in review; an IAC and the PIC Coordinator."""
    from accounts.models import User
    from applications.models import Application
    from applications.samples import answer_section, sample_answers
    from applications.services import person_for_login, start_application, submit_application
    from facilities.models import Facility, Role
    from facilities.services import assign_coordinator
    from screening.services import start_review

    facility = Facility.objects.get(code="ACC")
    iac = User.objects.filter(email="bench.iac@example.org").first()
    if iac is None:
        iac = User.objects.create_user(email="bench.iac@example.org", password="bench-password")  # noqa: S106 - a throwaway benchmark database
        assign_coordinator(by="bench", user=iac, facility=facility, role=Role.IAC)
    existing = Application.objects.filter(facility=facility).count()
    for n in range(existing, count):
        user = User.objects.create_user(email=f"bench{n}@example.org")
        person = person_for_login(user=user)
        application = start_application(by=user, person=person, facility=facility, kind="volunteer")
        for slug, data in sample_answers("volunteer", first="Bench", last=f"Person{n}").items():
            data = {**data, "ssn": f"123-45-{n:04d}"} if slug == "identity" else data
            application = answer_section(application, slug, data)
        application = submit_application(application=application, by=user)
        if n % 2:
            start_review(application=application, by=iac)
    last = Application.objects.filter(facility=facility).exclude(reference=None).last()
    return {"iac": iac, "reference": last.reference if last else ""}


def signed_in(user: object) -> object:
    """A client signed in past both steps (MFA is on with DEBUG off): a confirmed
    authenticator in the session, as the second step leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client: object, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000


def main() -> int:
    warnings.filterwarnings("ignore", message="No directory at")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pic-bench-") as folder:
        configure(Path(folder) / "bench.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_facilities", stdout=io.StringIO())
        results: dict[str, dict[int, float]] = {}
        for size in (args.small, args.large):
            made = build(size)
            client = signed_in(made["iac"])
            pages = {
                "directory /facilities/": "/facilities/",
                "staff queue /staff/": "/staff/",
                "queue, search": "/staff/?q=Bench",
                "application detail": f"/staff/applications/{made['reference']}/",
                "roster": "/staff/facilities/ACC/roster/",
            }
            for name, path in pages.items():
                results.setdefault(name, {})[size] = timed(client, path, args.repeat)
        print(f"{'page':<28}{args.small:>10} apps{args.large:>10} apps{'ratio':>9}")
        for name, by_size in results.items():
            small, large = by_size[args.small], by_size[args.large]
            print(f"{name:<28}{small:>12.1f} ms{large:>10.1f} ms{large / small:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
