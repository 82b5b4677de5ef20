"""Database routing: report reads may go to a read replica; everything else to the primary.

A view opts in with `@reads_from_replica` (or a block with `with reading_reports():`), so the
choice is made in one place per page and never by a query deep inside a service. Writes
inside such a view (the audit row of a CSV download) still go to the primary, and so does
every read outside one: the sign-in, session and permission checks that run before the view
must see a membership removed a moment ago, which a lagging standby might not.
"""

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_reading_reports: ContextVar[bool] = ContextVar("pic_reading_reports", default=False)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@contextlib.contextmanager
def reading_reports() -> Iterator[None]:
    """Send the reads in this block to the reports database (the replica when configured)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Run `view` (its template rendering included) with its reads on the reports database."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_reports():
            return view(*args, **kwargs)

    return wrapped


def streamed_from_replica(items: Iterable[T]) -> Iterator[T]:
    """Iterate `items` with each step's reads on the reports database.

    A streamed response is consumed after its view has returned, outside the view's block;
    the variable is set around each step only, so it never leaks into the server's code
    between two chunks.
    """
    iterator = iter(items)
    while True:
        with reading_reports():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def reports_database() -> str:
    alias = str(getattr(settings, "PIC_REPORTS_DATABASE", DEFAULT_DB_ALIAS))
    return alias if alias in settings.DATABASES else DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        # None: Django's own choice (the database the related instance came from, else
        # the default).
        return reports_database() if _reading_reports.get() else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Never None: Django would then write to the database the instance was read from,
        # and a row read on the replica would be saved to it.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica is a copy of the primary: a row read from one may point at the other's.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
