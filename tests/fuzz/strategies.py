"""What the fuzzer types: random text of every kind, and the hostile classics."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.forms import Field, Form

HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "é" * 100_001,
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\r\n",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE applications_application; --",
    "' OR '1'='1",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "\u202eevil\u202c",
    "Z\u0351\u0352\u0353a\u0300\u0301l\u0302go",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "\ufeff\u200b\u200d",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1900-01-01",
    "[]",
    "{}",
    "null",
    "true",
]
COUNTS = ["1000000", "1001", "-5", "x", "", "2147483648"]

text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
# Plain words: what the "typed data kept" check looks for in a page that came back.
PLAIN = re.compile(r"Fz[a-z]{5,12}")
plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=12).map(
    lambda s: f"Fz{s}"
)


def value_for(field: Field) -> st.SearchStrategy[str]:
    if field.name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
        return st.one_of(st.sampled_from(COUNTS), st.just(field.value))
    if field.kind in ("select", "radio", "checkbox") and field.options:
        return st.one_of(st.sampled_from(field.options), text)
    if field.kind == "submit":
        return st.just(field.value)
    return st.one_of(text, plain, st.just(field.value))


@st.composite
def post_data(draw: Any, form: Form) -> tuple[dict[str, Any], dict[str, str]]:
    """The data to post, and the plain values typed into fields a page should keep."""
    data: dict[str, Any] = {}
    typed: dict[str, str] = {}
    for field in form.fields:
        if field.name == "csrfmiddlewaretoken" or field.kind == "file":
            continue
        if field.kind == "submit":
            data[field.name] = field.value
            continue
        choice = draw(st.sampled_from(["value", "value", "value", "value", "missing", "twice"]))
        if choice == "missing":
            continue
        value = draw(value_for(field))
        if choice == "twice":
            data[field.name] = [value, draw(value_for(field))]
            continue
        data[field.name] = value
        if field.kind in ("text", "textarea", "email", "search") and PLAIN.fullmatch(value):
            typed[field.name] = value
    # A field nobody asked for.
    if draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "id", "pk", "status", "facility", "by"]))] = draw(text)
    return data, typed
