"""The header navigation fits on one line at 1280 px once signed in, and collapses behind a
working toggler on narrower screens (issue 8, item 19)."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import MembershipFactory, StaffUserFactory, applicant


def _sign_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _users() -> dict[str, User]:
    # Long addresses, as real ones are: the sign-out button carries the address.
    pic = StaffUserFactory.create(
        pic_coordinator=True, email="volunteer.services.coordinator@doc.mo.gov"
    )
    iac = MembershipFactory.create(
        facility__code="ACC", user__email="institutional.activities@doc.mo.gov"
    ).user
    person = applicant(email="margaret.whitlock-hargreaves@example.org")
    assert person.user is not None
    return {"pic_coordinator": pic, "iac": iac, "applicant": person.user}


# The lines a label's visible text takes (the visually hidden part of a name left out).
LINES = """els => els.map(el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    let text = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest(".visually-hidden") || !node.textContent.trim()) continue;
        text += node.textContent.trim();
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) tops.add(Math.round(r.top));
    }
    return [text, tops.size];
})"""


def _single_line(page: Any) -> None:
    """Every label (the brand's two lines included) is on one line, every item on one row,
    and the bar no taller than the brand."""
    labels = page.eval_on_selector_all(
        ".navbar-brand span, #main-nav .nav-link, #main-nav .navbar-text", LINES
    )
    assert [label for label, lines in labels if lines != 1] == [], labels
    tops = page.eval_on_selector_all(
        "#main-nav .nav-item", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert max(tops) - min(tops) <= 2, tops
    rights = page.eval_on_selector_all(
        "#main-nav .nav-item", "items => items.map(i => i.getBoundingClientRect().right)"
    )
    container = page.locator(".site-header .container").bounding_box()
    assert max(rights) <= container["x"] + container["width"] + 1, (rights, container)
    brand = page.locator(".navbar-brand").bounding_box()
    bar = page.locator(".site-header .navbar").bounding_box()
    assert bar["height"] <= brand["height"] + 24, (bar, brand)


@pytest.mark.parametrize("who", ["pic_coordinator", "iac", "applicant"])
def test_the_nav_fits_one_line_at_1280(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, who: str
) -> None:
    user = _users()[who]
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    assert page.locator(".navbar-toggler").is_hidden()
    page.screenshot(path=str(artifacts_dir / f"nav-1280-{who}.png"))
    _single_line(page)
    assert page.get_by_text(f"Signed in as {user.email}").is_visible()
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize("who", ["pic_coordinator", "applicant"])
def test_the_nav_collapses_behind_a_toggler_at_800(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, who: str
) -> None:
    user = _users()[who]
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{live_server.url}/")
    toggler = page.get_by_role("button", name="Show navigation")
    sign_out = page.get_by_role("button", name=f"Sign out ({user.email})")
    assert toggler.is_visible()
    assert sign_out.is_hidden()
    assert page.get_by_text(f"Signed in as {user.email}").is_visible()
    page.screenshot(path=str(artifacts_dir / f"nav-800-{who}-closed.png"))

    toggler.click()
    sign_out.wait_for(state="visible")
    page.locator("#main-nav.collapse.show").wait_for()  # the opening transition is over
    assert toggler.get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(artifacts_dir / f"nav-800-{who}-open.png"))

    toggler.click()
    sign_out.wait_for(state="hidden")
    assert page.console_errors == [], page.console_errors


def test_the_statewide_page_leads_to_the_program_wide_pages(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    """The PIC Coordinator's program-wide pages are one link away, on the Statewide page,
    so the bar keeps to one line (no script needed); each link there leads to its page."""
    _sign_in(page, live_server, _users()["pic_coordinator"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Statewide", exact=True).click()
    page.wait_for_url("**/staff/statewide/")
    page.screenshot(path=str(artifacts_dir / "nav-1280-statewide.png"))
    for name, url in (
        ("Statewide training sessions", "**/sessions/**"),
        ("Agreements", "**/agreements/**"),
        ("National Volunteer Week certificates", "**/certificates/**"),
        ("Partner organizations", "**/organizations/**"),
        ("Security audit log", "**/reports/audit/**"),
    ):
        page.goto(f"{live_server.url}/staff/statewide/")
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(url)
        assert page.locator("h1").first.is_visible(), name
    assert page.console_errors == [], page.console_errors


def _in_spanish(page: Any, live_server: Any) -> None:
    """As after pressing the header's "Español" (its cookie)."""
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])


@pytest.mark.parametrize("who", ["visitor", "applicant"])
def test_the_spanish_nav_fits_one_line_at_1280(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, who: str
) -> None:
    """Spanish labels run longer than English ones: the bar still keeps to one line."""
    if who == "applicant":
        _sign_in(page, live_server, _users()["applicant"])
    _in_spanish(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.screenshot(path=str(artifacts_dir / f"nav-1280-es-{who}.png"))
    _single_line(page)
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize(
    ("who", "path"),
    [("visitor", "/"), ("visitor", "/facilities/"), ("applicant", "/account/")],
)
def test_spanish_pages_do_not_overflow_at_390(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, who: str, path: str
) -> None:
    """At a phone's width the Spanish page scrolls only down: the banner (with the switcher),
    the brand and the opened menu all fit across."""
    if who == "applicant":
        _sign_in(page, live_server, _users()["applicant"])
    _in_spanish(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")
    assert page.locator("html").get_attribute("lang") == "es"
    name = f"nav-390-es-{who}-{path.strip('/').replace('/', '-') or 'home'}"
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    switcher = page.get_by_role("button", name="English", exact=True).bounding_box()
    assert switcher["x"] >= 0
    assert switcher["x"] + switcher["width"] <= 390
    assert switcher["height"] >= 24  # WCAG 2.5.8 target size

    page.get_by_role("button", name="Mostrar la navegación").click()
    page.locator("#main-nav.collapse.show").wait_for()
    page.screenshot(path=str(artifacts_dir / f"{name}-open.png"))
    container = page.locator(".site-header .container").bounding_box()
    rights = page.eval_on_selector_all(
        "#main-nav .nav-link", "links => links.map(l => l.getBoundingClientRect().right)"
    )
    assert max(rights) <= container["x"] + container["width"] + 1, (rights, container)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == [], page.console_errors
