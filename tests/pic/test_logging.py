"""The development server logs each line once (issue 8, item 25): one logging configuration,
every record reaching the console through a single handler."""

import logging

import pytest

from tests.pic.test_settings import production_env, run_python

LOGGERS = ["django", "django.request", "django.server", "django.utils.autoreload", "pic", ""]

EMIT = """
import django, logging
django.setup()
for name in {names!r}:
    logging.getLogger(name).warning("line from %s", name or "root")
"""


def handlers_for(name: str, level: int = logging.WARNING) -> list[logging.Handler]:
    """The handlers a record from `name` reaches, walking up while loggers propagate."""
    record = logging.LogRecord(name or "root", level, __file__, 1, "x", None, None)
    found: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        found += [
            h
            for h in logger.handlers
            if h.level <= level
            and h.filter(record)
            and not type(h).__module__.startswith("_pytest")  # pytest's own capture
        ]
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.parametrize("name", LOGGERS)
def test_each_record_has_one_handler_path(name: str, settings: object) -> None:
    for debug in (False, True):
        settings.DEBUG = debug  # type: ignore[attr-defined]
        assert len(handlers_for(name)) == 1, (name, debug, handlers_for(name))


@pytest.mark.parametrize("debug", ["1", "0"])
def test_the_console_shows_each_line_once(debug: str) -> None:
    result = run_python(
        EMIT.format(names=LOGGERS), production_env(DJANGO_DEBUG=debug, PIC_SKIP_DOTENV="1")
    )
    assert result.returncode == 0, result.stderr
    for name in LOGGERS:
        assert result.stderr.count(f"line from {name or 'root'}\n") == 1, result.stderr
