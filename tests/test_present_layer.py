"""The presentation wing (model/present/) and the rest of the library never import ui/ or streamlit, and ui/ keeps
only modules that use streamlit (the pages' layout) plus the app's scenario adapter."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_the_library_never_imports_the_app():
    bad = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.split(".")[0] in {"ui", "streamlit"})
           for p in (ROOT / "model").rglob("*.py")}
    assert not {k: v for k, v in bad.items() if v}


def test_ui_keeps_only_streamlit_code():
    kept = {p.name for p in (ROOT / "ui").glob("*.py")
            if "streamlit" not in {m.split(".")[0] for m in _imports(p)}}
    # scenarios.py: the app's adapter to the model; background.py: the app server's worker thread (jobs and their
    # stop events, no model or presentation logic: it runs callables the pages hand it)
    assert kept <= {"__init__.py", "scenarios.py", "background.py"}, kept
