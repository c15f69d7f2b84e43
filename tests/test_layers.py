"""The folder tree is the architecture: domain modules know nothing of Flask or of the layers above
them, and views never reach into the command line or into one another."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "app"
DOMAIN = [
    "catalogue",
    "late",
    "feedback",
    "imports",
    "search",
    "admin",
    "models",
    "audit.py",
    "codes.py",
    "columns.py",
    "params.py",
    "text.py",
    "clock.py",
    "versioning.py",
    "config.py",
]
# A feature's forms live beside its service (Flask-WTF): the one web-facing module of a feature package.
FORMS = {"feedback/forms.py"}
WEB = ("flask", "flask_babel", "flask_wtf", "flask_limiter", "htmx_flask", "jinja2_fragments", "werkzeug.wrappers")
ABOVE = ("app.web", "app.routes", "app.cli", "app.db")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "app":
                names |= {f"app.{alias.name}" for alias in node.names}
    return names


def _modules(*parts: str) -> list[Path]:
    found = []
    for part in parts:
        path = ROOT / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def _breaks(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def test_domain_modules_import_neither_flask_nor_the_layers_above():
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules(*DOMAIN)
        if str(path.relative_to(ROOT)) not in FORMS
        for name in imported(path)
        if _breaks(name, WEB + ABOVE)
    ]
    assert found == []


def test_views_never_import_the_command_line_or_another_view_module():
    views = [p for p in _modules("routes") if not p.name.startswith("_") and p.name != "api_schema.py"]
    found = []
    for path in views:
        own = "app.routes." + ".".join(path.relative_to(ROOT / "routes").with_suffix("").parts)
        for name in imported(path):
            helper = name.split(".")[-1].startswith("_") or name.endswith("api_schema")
            package = name in ("app.routes", "app.routes.admin") or own.startswith(name + ".")
            if _breaks(name, ("app.cli",)) or (_breaks(name, ("app.routes",)) and not helper and not package):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    assert found == []
