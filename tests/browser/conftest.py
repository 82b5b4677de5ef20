"""Playwright driving Debian's Chromium against Django's live_server.

Browser tests skip with a reason when Chromium is absent and fail instead when
REQUIRE_BROWSER=1 (CI). Never `playwright install`: it downloads, and cannot here.
"""

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("PIC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself beside it would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM} (apt-get install --no-install-recommends chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any, page_audit: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def sign_in_staff(page: Any, base_url: str, user: Any, *, start: str = "/staff/login/") -> None:
    """Sign a staff account in through the real forms: the password, then the second step
    with a code its (real, confirmed) authenticator shows now."""
    import time

    from django_otp.oath import totp

    from tests.conftest import verified_device
    from tests.factories import STAFF_PASSWORD

    device = verified_device(user)
    if not page.url.startswith(f"{base_url}{start}"):
        page.goto(f"{base_url}{start}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/mfa/**")
    device.refresh_from_db()
    # A code works once: after a sign-in earlier in this time step, wait for the next one.
    while int((time.time() - device.t0) / device.step) <= device.last_t:
        time.sleep(0.5)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/staff/mfa/" not in url and "/staff/login/" not in url)


# --- Every page a journey visits is audited (issue 14) ------------------------------------
# axe-core 4.14.1 from the npm registry (`npm pack axe-core@4.14.1`), committed beside its
# licence: the suite needs no network. It goes in through page.evaluate, which the CDP runs
# outside the page's CSP, so the site's strict policy stays as it is in production.
ASSETS = Path(__file__).parent / "assets"
AXE_SOURCE = (ASSETS / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SCREEN_WIDTHS = {"wide": (1280, 900), "narrow": (390, 844)}

# Runs before the page's own scripts: a blocked resource or inline code is reported even
# when Chromium's own console line is missed.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
        + ` in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});"""

# What identifies one state of a document: its address and its markup (a new CSRF token
# makes every fresh render distinct; an unchanged page between two htmx calls is the same).
FINGERPRINT = """() => {
    if (!location.protocol.startsWith("http")) return null;
    const html = document.documentElement.outerHTML;
    let hash = 0;
    for (let i = 0; i < html.length; i++) hash = (hash * 31 + html.charCodeAt(i)) | 0;
    const open = [...document.querySelectorAll("details[open]")].length;
    return `${location.href}#${html.length}:${hash}:${open}`;
}"""

AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def _slug(url: str) -> str:
    path = urlsplit(url).path.strip("/") or "home"
    return re.sub(r"[^A-Za-z0-9]+", "-", path)[:80].strip("-")


# Calls that may change what the page shows: the state before each one is audited.
ACTIONS = frozenset(
    {
        *("goto", "reload", "go_back", "go_forward", "click", "dblclick", "tap"),
        *("fill", "clear", "type", "press", "press_sequentially", "insert_text", "down", "up"),
        *("check", "uncheck", "set_checked", "select_option", "set_input_files"),
        "dispatch_event",
    }
)


class PageAudit:
    """Audits each state of every page the test's browser contexts show: axe-core's WCAG
    2.0-2.2 A/AA rules, plus a screenshot at 1280 px and 390 px. The pages and contexts the
    test holds are wrapped (`Audited`): before any call that may navigate or change the
    page, the state it is in is audited if it is new, and the last one when its context
    closes, so every page a journey visits is covered without the journey saying so."""

    def __init__(self, name: str) -> None:
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
        self.violations: list[str] = []
        self.csp: list[str] = []
        self.seen: set[str] = set()
        self.audited = 0
        self.folder = SCREENSHOTS / self.name
        shutil.rmtree(self.folder, ignore_errors=True)

    def watch(self, context: Any) -> Any:
        context.add_init_script(CSP_LISTENER)
        context.on("page", lambda page: page.on("console", self._console))
        return Audited(context, self, None)

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.csp.append(f"{message.page.url if message.page else '?'}: {text}")

    def audit(self, page: Any) -> None:
        if page is None or page.is_closed():
            return
        try:
            page.wait_for_load_state()
            state = page.evaluate(FINGERPRINT)
        except Exception:  # navigating this very moment: the next call audits it
            return
        if state is None or state in self.seen:
            return
        self.seen.add(state)
        self.audited += 1
        url = page.url
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        for rule in page.evaluate(AXE_RUN, AXE_TAGS):
            nodes = "".join(
                f"\n      {node['target']}: {' '.join(node['summary'].split())}"
                for node in rule["nodes"]
            )
            self.violations.append(
                f"{rule['id']} ({rule['impact']}) on {url}: {rule['help']}{nodes}"
            )
        self._screenshots(page, url)
        # Taking the screenshots may touch the markup (a resize, a style Playwright adds):
        # the page as it is now is the state just audited.
        self.seen.add(page.evaluate(FINGERPRINT))

    def _screenshots(self, page: Any, url: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        viewport = page.viewport_size
        for label, (width, height) in SCREEN_WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            path = self.folder / f"{self.audited:02d}-{_slug(url)}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
        if viewport:
            page.set_viewport_size(viewport)

    def report(self) -> str:
        parts = []
        if self.violations:
            # The same failure seen in several states of a page is listed once.
            counts = Counter(self.violations)
            parts.append(
                f"axe-core found {len(counts)} WCAG violations:\n  "
                + "\n  ".join(
                    violation + (f"\n      (in {n} states of the page)" if n > 1 else "")
                    for violation, n in counts.items()
                )
            )
        if self.csp:
            parts.append("Content Security Policy violations:\n  " + "\n  ".join(self.csp))
        return "\n".join(parts)


def _unwrap(value: Any) -> Any:
    return object.__getattribute__(value, "_target") if isinstance(value, Audited) else value


class Audited:
    """A Playwright context, page, locator or keyboard that audits its page before each
    action (ACTIONS). Everything else passes through; what a call returns is wrapped in
    turn, so `page.get_by_role(...).click()` and `page.keyboard.press(...)` are covered."""

    def __init__(self, target: Any, audit: PageAudit, page: Any) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_audit", audit)
        object.__setattr__(self, "_page", page)

    def __getattr__(self, name: str) -> Any:
        target, audit = self._target, self._audit
        value = getattr(target, name)
        if name == "close" and type(target).__name__ == "BrowserContext":

            def audit_then_close(*args: Any, **kwargs: Any) -> Any:
                for open_page in target.pages:
                    audit.audit(open_page)
                return value(*args, **kwargs)

            return audit_then_close
        if not callable(value):
            return self._wrap(value)

        def call(*args: Any, **kwargs: Any) -> Any:
            if name in ACTIONS:
                audit.audit(self._page)
            args = tuple(_unwrap(a) for a in args)
            kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
            return self._wrap(value(*args, **kwargs))

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return f"Audited({self._target!r})"

    def _wrap(self, value: Any) -> Any:
        kind = type(value).__name__
        if kind == "Page":
            return Audited(value, self._audit, value)
        if kind in ("Locator", "FrameLocator"):
            return Audited(value, self._audit, value.page if kind == "Locator" else self._page)
        if kind in ("Keyboard", "Mouse", "Touchscreen", "Frame"):
            return Audited(value, self._audit, self._page)
        if isinstance(value, list):
            return [self._wrap(item) for item in value]
        return value


@pytest.fixture
def page_audit(request: pytest.FixtureRequest, browser: Any, monkeypatch: Any) -> Iterator[Any]:
    """Every context the test opens (the `page` fixture's, a tablet's, an applicant's) is
    audited; the test fails at teardown with each rule, page and selector."""
    audit = PageAudit(request.node.name)
    new_context = browser.new_context

    def audited_context(*args: Any, **kwargs: Any) -> Any:
        return audit.watch(new_context(*args, **kwargs))

    monkeypatch.setattr(browser, "new_context", audited_context)
    yield audit
    report = audit.report()
    if report:
        pytest.fail(report, pytrace=False)
