"""The audit every journey relies on (conftest.PageAudit) does find what it is there for:
a WCAG failure, with its rule, page and selector, and a Content Security Policy violation."""

from pathlib import Path
from typing import Any

from tests.browser.conftest import PageAudit

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>Bad</h1><ul class="outer"><ul><li>nested without an item</li></ul></ul>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
<script>document.body.dataset.ran = "inline";</script>
</main></body></html>"""


def test_the_audit_reports_rule_page_selector_and_csp(browser: Any, tmp_path: Path) -> None:
    audit = PageAudit("audit-self-test")
    context = audit.watch(browser.new_context())
    page = context.new_page()

    def serve(route: Any) -> None:
        headers = {"content-type": "text/html", "content-security-policy": "script-src 'self'"}
        route.fulfill(status=200, headers=headers, body=BAD_PAGE)

    page.route("http://pic.test/**", serve)
    page.goto("http://pic.test/bad/")
    context.close()  # audits the page it still shows

    report = audit.report()
    assert "list (serious) on http://pic.test/bad/" in report, report
    assert ".outer" in report
    assert "image-alt" in report
    assert "#no-alt" in report
    assert "Content Security Policy violations" in report
    assert "script-src" in report
    assert (audit.folder / "01-bad-wide.png").exists()
    assert (audit.folder / "01-bad-narrow.png").exists()
