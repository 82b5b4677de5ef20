"""docs/rules.md and SECURITY.md name the tests that prove each rule and each defense:
every one they name must exist."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[2]


def _named_tests() -> list[tuple[str, str | None]]:
    text = (ROOT / "docs" / "rules.md").read_text() + (ROOT / "SECURITY.md").read_text()
    return [
        (path, name or None) for path, name in re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    ]


def test_every_test_docs_rules_names_exists() -> None:
    named = _named_tests()
    assert len(named) > 40
    missing = []
    for path, name in named:
        source = ROOT / path
        if not source.exists():
            missing.append(path)
            continue
        if name is None:
            continue
        tree = ast.parse(source.read_text())
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        if name not in functions:
            missing.append(f"{path}::{name}")
    assert not missing, f"docs/rules.md or SECURITY.md names tests that do not exist: {missing}"


def test_no_background_check_model_can_hold_a_report_file() -> None:
    """Rule 6: raw criminal-history reports are never stored. A check is a result."""
    for label in ("screening.BackgroundCheck", "volunteers.AccessCheck"):
        model = apps.get_model(label)
        files = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        assert files == [], f"{label} has file fields {files}"
