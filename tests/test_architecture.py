"""Specifications for the layout: no package imports one above it (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"core", "arabic", "models", "analysis", "documents", "history", "components", "client", "service",
        "batches"}
ALLOWED = {
    "core": set(),
    "arabic": {"core"},
    "models": {"arabic", "core"},
    "analysis": {"models", "arabic", "core"},
    "documents": {"analysis", "arabic", "core"},
    "history": {"documents", "arabic", "core"},
    "components": {"history", "client", "batches", "documents", "analysis", "models", "arabic", "core"},
    "batches": {"documents", "analysis", "arabic", "core"},
    "client": {"documents", "analysis", "core"},
    "service": {"batches", "documents", "analysis", "models", "arabic", "core"},
}


def imported_packages(path: Path) -> set[str]:
    """Our top-level packages that `path` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_below_it(package: str) -> None:
    modules = sorted((ROOT / package).glob("*.py"))
    assert modules, f"{package}/ holds no module"
    for module in modules:
        wrong = imported_packages(module) - ALLOWED[package] - {package}
        assert not wrong, f"{module.relative_to(ROOT)} imports {sorted(wrong)}"


def test_no_module_uses_relative_imports_that_hide_the_layer() -> None:
    for package in ALLOWED:
        for module in (ROOT / package).glob("*.py"):
            tree = ast.parse(module.read_text(encoding="utf-8"))
            relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
            assert not relative, f"{module.relative_to(ROOT)} uses a relative import"


def test_neither_seq2seq_engine_imports_the_other() -> None:
    for engine, other in (("ct2", "transformers_engine"), ("transformers_engine", "ct2")):
        source = (ROOT / "models" / f"{engine}.py").read_text(encoding="utf-8")
        assert f"models.{other}" not in source and f"import {other}" not in source


def test_the_desk_and_the_local_batch_never_import_ray() -> None:
    """Ray (and Ray Serve) is optional at run time: the page's modules, the client and the CLI's local commands load
    without it."""
    code = ("import sys, cli, components.progress, components.desk, client.http, batches.batch_run; "
            "print(sorted(name for name in sys.modules if name == 'ray' or name.startswith(('ray.', 'fastapi'))))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
