"""The repository explains itself: no document sends the reader to a file outside it, and
every relative link in a document points at a file that exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_documents_exist() -> None:
    for name in ("architecture.md", "rules.md", "operations.md", "scaling.md"):
        assert (ROOT / "docs" / name).exists(), name
    assert (ROOT / "SECURITY.md").exists()


def test_no_document_points_outside_the_repository() -> None:
    for document in DOCUMENTS:
        if not document.exists():
            continue
        text = document.read_text()
        assert "../shared" not in text, document.name
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), f"{document.name} links outside: {target}"
            assert resolved.exists(), f"{document.name} links to a missing file: {target}"


def test_every_path_the_readme_names_in_backticks_exists() -> None:
    text = (ROOT / "README.md").read_text()
    for path in re.findall(r"`((?:docs|deploy|scripts|tests|pic)/[\w./-]+)`", text):
        assert (ROOT / path).exists(), f"README names {path}, which does not exist"
