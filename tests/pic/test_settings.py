"""Settings: safe defaults, refusal to start without secrets, and the content security policy."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT_ROOT / "templates"
SETUP = "import django; django.setup(); print('started')"


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(**overrides: str | None) -> dict[str, str]:
    """The environment the suite runs in (DEBUG off, test keys), with `overrides`; None unsets."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pic.settings", "PIC_SKIP_DOTENV": "1"}
    # The browser tests set this for Playwright beside the ORM; production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["DJANGO_DEBUG"] = "0"
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_the_suite_environment_starts() -> None:
    result = run_python(SETUP, production_env())

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_refuses_to_start_without_a_required_variable(name: str, value: str | None) -> None:
    result = run_python(SETUP, production_env(**{name: value}))

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_debug_defaults_to_off() -> None:
    env = production_env(DJANGO_DEBUG=None, DJANGO_SECRET_KEY=None)

    result = run_python(SETUP, env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_starts_without_secrets_in_debug(value: str) -> None:
    env = production_env(DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None, DJANGO_DEBUG=value)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('started', settings.DEBUG, settings.ALLOWED_HOSTS)"
    )

    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    assert "started True" in result.stdout
    assert "localhost" in result.stdout


def test_refuses_a_debug_value_it_cannot_read() -> None:
    result = run_python(SETUP, production_env(DJANGO_DEBUG="maybe"))

    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_check_deploy_is_clean_in_production_mode() -> None:
    env = production_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="pic.example.org"
    )

    result = run_python("", env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# The content security policy


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/facilities/", "/staff/login/"])
def test_pages_carry_a_strict_content_security_policy(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# Templates: nothing from another host, no inline script or style

TAG = re.compile(r"<(script|link|img|iframe|source)\b[^>]*>", re.IGNORECASE)
REMOTE = re.compile(r"""\b(src|href|srcset)\s*=\s*["']?\s*(https?:)?//""", re.IGNORECASE)
# Script elements without src, except JSON data (json_script), which the browser never runs.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/json)[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"""(<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*["'])""", re.IGNORECASE)


def remote_assets(text: str) -> list[str]:
    return [tag.group(0) for tag in TAG.finditer(text) if REMOTE.search(tag.group(0))]


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_checks_find_what_they_look_for() -> None:
    assert remote_assets('<script src="https://cdn.example/x.js"></script>')
    assert remote_assets("<link rel='stylesheet' href='//cdn.example/x.css'>")
    assert remote_assets('<img alt="" src="http://example.org/a.png">')
    assert not remote_assets('<a href="https://www.mo.gov/">Missouri</a>')
    assert not remote_assets("<script src=\"{% static 'vendor/htmx/htmx.min.js' %}\"></script>")
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert INLINE_STYLE.search('<p style="color: red">')
    assert INLINE_STYLE.search('<button onclick="go()">')
    assert not INLINE_STYLE.search('<p class="lead">')
    assert len(template_files()) >= 8


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_loads_an_asset_from_another_host(path: Path) -> None:
    assert remote_assets(path.read_text(encoding="utf-8")) == []


def page_templates() -> list[Path]:
    # PDF templates are rendered by WeasyPrint on the server, never served to a browser under
    # the CSP, so their inline styles are allowed.
    return [path for path in template_files() if path.relative_to(TEMPLATES).parts[0] != "pdf"]


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_page_template_has_inline_script_or_style(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert INLINE_SCRIPT.findall(text) == []
    assert INLINE_STYLE.findall(text) == []
