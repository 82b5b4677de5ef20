"""The report pages: each a function from a Scope to its tables (read models; one code path
for the PIC Coordinator and for coordinators, who see their facilities only)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from reports.filters import Scope
from reports.queries.compliance import compliance
from reports.queries.hours import hours_and_value
from reports.queries.overview import overview
from reports.queries.pipeline import pipeline
from reports.queries.workload import workload
from reports.tables import Table


@dataclass(frozen=True)
class Page:
    slug: str
    title: Any  # a lazy translation
    build: Callable[[Scope], list[Table]]
    # Whether the period filter applies (today's figures ignore it).
    dated: bool = True


PAGES: dict[str, Page] = {
    page.slug: page
    for page in (
        Page("overview", _("Overview"), overview),
        Page("pipeline", _("Pipeline"), pipeline),
        Page("workload", _("Workload"), workload, dated=False),
        Page("compliance", _("Compliance"), compliance, dated=False),
        Page("hours", _("Hours and value"), hours_and_value),
    )
}
