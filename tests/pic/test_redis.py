"""REDIS_URL: cache, sessions and rate limits shared through a real redis-server (the
session-scoped `redis_server` fixture in tests/conftest.py starts Debian's)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from applications.services.signin import LINKS_PER_ADDRESS
from facilities.models import Facility
from tests.conftest import member
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many sign-in links were asked for"


def other_server(redis_url: str, code: str) -> dict[str, object]:
    """Run `code` in a second Django process configured only by the environment, as another
    app server behind the load balancer would be; it prints one JSON object."""
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "pic.settings"}
    env.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django, json; django.setup()\n{code}"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_settings_put_cache_and_sessions_in_redis(redis_server: str) -> None:
    found = other_server(
        redis_server,
        "from django.conf import settings\n"
        "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'],"
        " 'location': settings.CACHES['default']['LOCATION'],"
        " 'sessions': settings.SESSION_ENGINE}))",
    )

    assert found == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "location": redis_server,
        "sessions": "django.contrib.sessions.backends.cached_db",
    }


def test_cache_round_trip(redis_settings: str) -> None:
    cache.set("greeting", {"text": "hello", "n": 3}, timeout=60)

    assert cache.get("greeting") == {"text": "hello", "n": 3}
    assert redis.Redis.from_url(redis_settings).keys("pic:*greeting")
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_a_staff_session_lives_in_redis_between_requests(
    redis_settings: str, client: Client, facility: Facility
) -> None:
    user = member(facility)

    response = client.post(
        reverse("staff:login"), {"username": user.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    session_key = client.cookies["sessionid"].value
    assert redis.Redis.from_url(redis_settings).keys(f"pic:*{session_key}")

    client.get(reverse("staff:home"))
    assert client.session.get(SESSION_KEY) == str(user.pk)
    # cached_db: a Redis restart costs a cache miss, not the sign-in.
    redis.Redis.from_url(redis_settings).flushdb()
    client.get(reverse("staff:home"))
    assert client.session.get(SESSION_KEY) == str(user.pk)


def test_a_rate_limit_is_counted_across_two_servers(redis_settings: str, client: Client) -> None:
    email = "someone@example.org"
    # This server takes all but one of the address's links...
    for _ in range(LINKS_PER_ADDRESS - 1):
        response = client.post(reverse("applications:sign_in"), {"email": email})
        assert response.status_code == 302

    # ...another server sees those and spends the last one...
    seen = other_server(
        redis_settings,
        "from accounts import ratelimit\n"
        "from applications.services.signin import LINK_WINDOW_SECONDS, LINKS_PER_ADDRESS\n"
        f"email = {email!r}\n"
        "before = ratelimit.is_limited('sign_in_link_email', email, limit=LINKS_PER_ADDRESS)\n"
        "count = ratelimit.hit('sign_in_link_email', email, window_seconds=LINK_WINDOW_SECONDS)\n"
        "print(json.dumps({'before': before, 'count': count}))",
    )
    assert seen == {"before": False, "count": LINKS_PER_ADDRESS}

    # ...and this server refuses the next request.
    response = client.post(reverse("applications:sign_in"), {"email": email})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
