"""Dependencies run one way: reports → outreach/screening → volunteers → applications →
partners → facilities → accounts → audit (docs/architecture.md). An app imports only
the apps below it, and of those never the views; `pic/` wires them all together."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Top first; apps on one line are siblings and import neither each other.
LAYERS: list[set[str]] = [
    {"reports"},
    {"outreach", "screening"},
    {"volunteers"},
    {"applications"},
    {"partners"},
    {"facilities"},
    {"accounts"},
    {"audit"},
]
LEVEL = {app: len(LAYERS) - index for index, apps in enumerate(LAYERS) for app in apps}
TOP = LAYERS[0] | LAYERS[1]
VIEW_MODULES = {"views"}


def app_of(module: str) -> str | None:
    head = module.split(".")[0]
    return head if head in LEVEL else None


def may_import_anything(relative: Path) -> bool:
    """The wiring (`pic/`) and the top apps' management commands (demo data, say)."""
    parts = relative.parts
    return parts[0] == "pic" or (parts[0] in TOP and "management" in parts[1:2])


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from volunteers import views`
                if alias.name in VIEW_MODULES:
                    yield node.lineno, f"{node.module}.{alias.name}"


def violations(app: str, where: str, source: str) -> list[str]:
    found = []
    for line, module in imported_modules(source):
        other = app_of(module)
        if other is None or other == app:
            continue
        if LEVEL[other] >= LEVEL[app]:
            found.append(f"{where}:{line}: {app} imports {module} ({other} is not below it)")
        elif VIEW_MODULES & set(module.split(".")[1:2]):
            found.append(f"{where}:{line}: {app} imports {module} (another app's views)")
    return sorted(set(found))


def project_modules() -> Iterator[tuple[str, Path]]:
    for app in LEVEL:
        folder = ROOT / app
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield app, path


def test_every_app_imports_only_the_apps_below_it() -> None:
    found: list[str] = []
    seen = set()
    for app, path in project_modules():
        relative = path.relative_to(ROOT)
        seen.add(app)
        if not may_import_anything(relative):
            found += violations(app, str(relative), path.read_text(encoding="utf-8"))

    assert {"screening", "volunteers", "applications", "facilities", "accounts"} <= seen
    assert found == []


def test_volunteers_never_imports_screening() -> None:
    for app, path in project_modules():
        if app == "volunteers":
            modules = {module for _line, module in imported_modules(path.read_text())}
            assert not {m for m in modules if app_of(m) == "screening"}, path


def test_the_check_catches_an_upward_import_a_sibling_and_a_lower_apps_views() -> None:
    source = (
        "from screening.models import StepKind\n"
        "from volunteers import views\n"
        "import facilities.views.staff\n"
        "from applications.models import Person\n"
        "def later():\n"
        "    from outreach.services import x\n"
    )

    assert violations("volunteers", "m.py", source) == [
        "m.py:1: volunteers imports screening.models (screening is not below it)",
        "m.py:3: volunteers imports facilities.views.staff (another app's views)",
        "m.py:6: volunteers imports outreach.services (outreach is not below it)",
    ]
    assert violations("screening", "m.py", source) == [
        "m.py:2: screening imports volunteers.views (another app's views)",
        "m.py:3: screening imports facilities.views.staff (another app's views)",
        "m.py:6: screening imports outreach.services (outreach is not below it)",
    ]
    assert violations("audit", "m.py", "import accounts.models\n") == [
        "m.py:1: audit imports accounts.models (accounts is not below it)",
    ]


def test_the_wiring_and_the_top_apps_commands_may_import_anything() -> None:
    assert may_import_anything(Path("pic/urls.py"))
    assert may_import_anything(Path("screening/management/commands/demo.py"))
    assert not may_import_anything(Path("volunteers/management/commands/run_daily.py"))
    assert not may_import_anything(Path("screening/views/access.py"))
