"""PIC_BENCH (issue 11, item 1): the ceiling view is routed only under it, it lifts the rate
limits (still counting), and each response then says how many SQL queries it ran."""

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from accounts import ratelimit

BENCH_MIDDLEWARE = "pic.middleware.BenchQueryCountMiddleware"


@pytest.fixture
def bench_urls() -> Iterator[None]:
    """pic.urls as it is built with PIC_BENCH=1, restored afterwards."""
    import pic.urls

    with override_settings(PIC_BENCH=True):
        importlib.reload(pic.urls)
        clear_url_caches()
        yield
    importlib.reload(pic.urls)
    clear_url_caches()


def test_the_ceiling_view_is_not_routed_without_the_flag(client: Client) -> None:
    with pytest.raises(Resolver404):
        resolve("/bench/ceiling/")
    assert client.get("/bench/ceiling/").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("bench_urls")
def test_the_ceiling_view_renders_a_small_page_without_a_query(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert b"Partners in Corrections" in response.content
    assert len(queries) == 0
    assert "Content-Security-Policy" in response  # through the whole middleware stack


@pytest.mark.django_db
def test_the_rate_limits_hold_without_the_flag() -> None:
    for _ in range(3):
        ratelimit.hit("bench-test", "one@example.org", window_seconds=60)
    assert ratelimit.is_limited("bench-test", "one@example.org", limit=3)


@pytest.mark.django_db
# PIC_BENCH=1 turns PIC_RATE_LIMITS off in the settings module (its default follows the flag).
@override_settings(PIC_BENCH=True, PIC_RATE_LIMITS=False)
def test_the_flag_lifts_the_rate_limits_but_still_counts() -> None:
    for _ in range(5):
        assert ratelimit.hit("bench-test", "two@example.org", window_seconds=60) == 0
    assert not ratelimit.is_limited("bench-test", "two@example.org", limit=3)
    with override_settings(PIC_BENCH=False, PIC_RATE_LIMITS=True):  # counted all the same
        assert ratelimit.is_limited("bench-test", "two@example.org", limit=5)


@pytest.mark.django_db
def test_the_bench_header_counts_the_queries_of_the_request(client: Client) -> None:
    from django.conf import settings

    with override_settings(MIDDLEWARE=[BENCH_MIDDLEWARE, *settings.MIDDLEWARE]):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/healthz")
        assert response.status_code == 200
        assert int(response["X-Bench-Queries"]) == len(queries) >= 1


def test_the_settings_add_the_header_only_under_the_flag() -> None:
    from django.conf import settings

    assert BENCH_MIDDLEWARE not in settings.MIDDLEWARE
