"""{{ value|cell:column.kind }}: a report cell as people read it (the CSV keeps raw values)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return date_format(value)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "number":
        return f"{float(value):,.1f}"
    if kind == "pct":
        return f"{float(value) * 100:.1f}%"
    if kind == "money":
        return f"${Decimal(value):,.2f}"
    return str(value)


@register.filter
def is_numeric(kind: str) -> bool:
    return kind in ("int", "number", "pct", "money")
