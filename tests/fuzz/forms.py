"""Find the forms a signed-in person can reach: crawl the site from a few pages, following
same-site links, and read every form's fields (the standard library's HTML parser; no
browser needed)."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client

# Never followed or posted: they end the session (the rest of the crawl would be anonymous)
# or are files, not pages.
SKIP = re.compile(
    r"(sign-out|logout|/admin/|\.pdf$|\.csv$|\.png$|/dev/|/static/|/kiosk/|/download|/file|"
    r"/files/|/documents/[^/]+/?$)"
)


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms are the same when they post the same fields to the same kind of address
        (ids and references in the address replaced)."""
        shape = re.sub(r"/[0-9a-f-]{8,}|/\d+|/PIC-\d{4}-\d+|/[A-Z]{2,5}\d*(?=/)", "/*", self.action)
        return (self.method, shape, tuple(sorted(f.name for f in self.fields)))


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, a.get("action") or self.page),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button"):
            name = a.get("name")
            if not name or (tag == "button" and not a.get("value")):
                return
            if tag == "input":
                kind = (a.get("type") or "text").lower()
                if kind in ("submit", "image", "reset") and not a.get("value"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in a:
                    existing = next((f for f in self._form.fields if f.name == name), None)
                    if existing is not None:
                        existing.options.append(a.get("value") or "on")
                        return
                    self._form.fields.append(Field(name, kind, "", [a.get("value") or "on"]))
                    return
                self._form.fields.append(Field(name, kind, a.get("value", "")))
            elif tag == "button":
                self._form.fields.append(Field(name, "submit", a.get("value", "")))
            elif tag == "select":
                self._select = Field(name, "select")
                self._form.fields.append(self._select)
            else:
                self._textarea = Field(name, "textarea")
                self._form.fields.append(self._textarea)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def same_site(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.search(parts.path) else path


def crawl(client: Client, start: list[str], *, limit: int = 60) -> list[Form]:
    """Every distinct form on the pages reachable from `start` (at most `limit` pages)."""
    seen: set[str] = set()
    queue = deque(start)
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Parser(f"http://testserver{path}")
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            target = same_site(form.action)
            if target is None:
                continue
            form.action = target
            forms.setdefault(form.key, form)
        for link in parser.links:
            target = same_site(link)
            if target and target not in seen and "?" not in target:
                queue.append(target)
    return list(forms.values())
