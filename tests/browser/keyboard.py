"""Driving a page with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to
press, arrow keys to choose, typed text once a field has the focus. At every stop the
focused element must show a focus indicator (an outline or a box shadow)."""

from datetime import date
from typing import Any

FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    // A focus ring that fades in (Bootstrap's box-shadow transition) is read at its end.
    for (const animation of el.getAnimations()) animation.finish();
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    return {
        tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
        value: el.value === undefined ? "" : String(el.value), checked: !!el.checked,
        text: (el.getAttribute("aria-label") || el.innerText || label || el.value || "")
            .replace(/\\s+/g, " ").trim(),
        label: label.replace(/\\s+/g, " ").trim(), id: el.id,
        section: el.closest("section[aria-labelledby]")?.getAttribute("aria-labelledby") || "",
        visible: outline || shadow, html: el.outerHTML.slice(0, 160),
        ring: `${style.outlineStyle} ${style.outlineWidth} / ${style.boxShadow}`,
    };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """What has the focus, once the page a key press may have opened has loaded."""
    for _ in range(20):
        try:
            page.wait_for_load_state()
            return page.evaluate(FOCUS)
        except Exception as error:  # the document changed under the call: ask the new one
            if "context was destroyed" not in str(error):
                raise
    raise AssertionError(f"{page.url} never settled")


def _matches(
    focus: dict[str, Any], text: str | None, field: str | None, prefix: bool, within: str | None
) -> bool:
    if field is not None and focus["name"] != field:
        return False
    if within is not None and focus["section"] != within:
        return False
    if text is None:
        return True
    return focus["text"].startswith(text) if prefix else focus["text"] == text


def tab_to(
    page: Any,
    text: str | None = None,
    *,
    field: str | None = None,
    prefix: bool = False,
    within: str | None = None,
    back: bool = False,
    limit: int = 200,
) -> dict[str, Any]:
    """Press Tab (Shift+Tab when back) until the focus is on the element named `text`
    (its text, aria-label or value; `prefix`: starting so) or the form field `field`, in
    the section labelled by `within` if given;
    each stop on the
    way must show where the focus is."""
    current = focused(page)
    if current and _matches(current, text, field, prefix, within):
        return current
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        current = focused(page)
        if current is None:
            continue
        assert current["visible"], f"no focus ring ({current['ring']}) on {current['html']}"
        if _matches(current, text, field, prefix, within):
            return current
    raise AssertionError(f"Tab never reached {text or field!r} on {page.url}")


def press(
    page: Any, text: str, *, key: str = "Enter", prefix: bool = False, back: bool = False
) -> None:
    """Tab (Shift+Tab when back) to a button, link or summary and press it."""
    tab_to(page, text, prefix=prefix, back=back)
    page.keyboard.press(key)


def field_order(page: Any) -> list[str]:
    return page.evaluate(
        "() => [...new Set([...document.querySelectorAll('main [name]')]"
        ".filter(e => !['hidden', 'submit'].includes(e.type) && !e.disabled)"
        ".map(e => e.name))]"
    )


def type_date(page: Any, iso: str) -> None:
    """A date field in an en-US browser takes month, day and year, typed in that order."""
    day = date.fromisoformat(iso)
    page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year:04d}")


def choose(page: Any, focus: dict[str, Any], value: str) -> None:
    """With the focus on a radio button or a select: arrow keys until `value` is chosen."""
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(60):
            current = focused(page)
            assert current is not None
            if current["value"] == value and (current["tag"] == "select" or current["checked"]):
                return
            page.keyboard.press(key)
    raise AssertionError(f"could not choose {value!r} in {focus['html']}")


def fill_form(page: Any, data: dict[str, str]) -> None:
    """Answer every field of `data`, in the page's order, by Tab, typing and arrows."""
    order = field_order(page)
    wanted = [name for name in order if name in data]
    for name in wanted:
        value = data[name]
        focus = tab_to(page, field=name)
        kind = focus["type"]
        if kind not in ("radio", "checkbox") and focus["value"] == value:
            continue  # kept from the last attempt
        if kind == "radio":
            choose(page, focus, value)
        elif kind == "checkbox":
            if not focus["checked"]:
                page.keyboard.press("Space")
        elif focus["tag"] == "select":
            choose(page, focus, value)
        elif kind == "date":
            type_date(page, value)
        else:
            if focus["value"]:
                # Text is selected when Tab lands in an input; a textarea keeps its text.
                assert focus["tag"] == "input", f"{name} already holds text"
            page.keyboard.type(value)
        after = focused(page)
        assert after is not None
        if kind not in ("checkbox", "radio"):
            assert after["value"] == value, f"{name}: typed {value!r}, it holds {after['value']!r}"


def skip_link_works(page: Any) -> None:
    """The first Tab shows the skip link; Enter puts the focus on the main content."""
    page.keyboard.press("Tab")
    focus = focused(page)
    assert focus is not None
    assert focus["text"] == "Skip to main content", focus
    assert focus["visible"]
    box = page.locator(".skip-link").bounding_box()
    assert box is not None  # shown, not clipped out of sight
    assert box["width"] > 1
    assert box["height"] > 1
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
