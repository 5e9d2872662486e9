"""Names that keep one contract.

- ``require_*`` raises (a French :class:`~cpts_training.errors.CPTSError`) when its input
  is wrong; it is the name of every validator.
- ``check_*`` is a learner self-check: it never raises on a trainee's answer and returns a
  :class:`~cpts_training.checks.core.CheckResult`. Self-checks live in the self-check
  modules only: ``cpts_training/checks/*.py`` and ``cpts_training/<domain>/checks.py``.
- A former name kept for notebooks already handed out (autograde re-runs them) is an
  alias listed in :data:`ALIASES`, bound by assignment to the function it names.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

import cpts_training

PACKAGE = Path(cpts_training.__file__).parent
ROOT = PACKAGE.parent

ALIASES = {
    # Evaluation 01 (cell q2_budget) imports it from cpts_training.budget; it returns a
    # BalanceVerdict, not a CheckResult.
    ("budget/forecast.py", "check_balance"): "balance_of",
}
"""Former ``check_*`` names kept outside the self-check modules: (file, name) → new name."""

CHECK_NAME = re.compile(r"^check_")


def is_self_check_module(relative: Path) -> bool:
    """``checks/*.py`` or ``<domain>/checks.py``: where a ``check_*`` function may live."""
    return relative.parts[0] == "checks" or relative.name == "checks.py"


def package_files() -> list[tuple[Path, ast.Module]]:
    return [
        (path.relative_to(PACKAGE), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def check_names(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """Every function, method, class or assigned name called ``check_*`` in ``tree``."""
    found: list[tuple[str, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        found.extend((name, node) for name in names if CHECK_NAME.match(name))
    return found


def test_no_check_name_outside_the_self_check_modules_but_the_listed_aliases() -> None:
    offenders = []
    for relative, tree in package_files():
        if is_self_check_module(relative):
            continue
        for name, node in check_names(tree):
            key = (relative.as_posix(), name)
            if key in ALIASES and isinstance(node, ast.Assign):
                continue
            offenders.append(f"{key[0]}:{node.lineno} {name}")
    assert offenders == [], (
        "A function named check_* is a learner self-check (never raises, returns a "
        "CheckResult) and lives in checks/*.py or <domain>/checks.py; name a validator "
        "require_*, or list a former name kept for released notebooks in ALIASES."
    )


@pytest.mark.parametrize(("where", "new"), list(ALIASES.items()), ids=[k[1] for k in ALIASES])
def test_each_alias_is_bound_to_its_new_name(where: tuple[str, str], new: str) -> None:
    path, name = where
    module = importlib.import_module("cpts_training." + path.removesuffix(".py").replace("/", "."))
    assert getattr(module, name) is getattr(module, new)
    tree = ast.parse((PACKAGE / path).read_text(encoding="utf-8"))
    bindings = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [t.id for t in node.targets if isinstance(t, ast.Name)] == [name]
    ]
    assert len(bindings) == 1
    assert isinstance(bindings[0].value, ast.Name) and bindings[0].value.id == new


def test_check_balance_is_still_importable_from_the_budget_package() -> None:
    from cpts_training.budget import balance_of, check_balance

    assert check_balance is balance_of


def test_self_checks_return_a_check_result_and_hold_no_raise() -> None:
    offenders = []
    for relative, tree in package_files():
        if not is_self_check_module(relative):
            continue
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and CHECK_NAME.match(node.name)
            ):
                continue
            returns = ast.unparse(node.returns) if node.returns else None
            if returns != "CheckResult":
                offenders.append(f"{relative}:{node.lineno} {node.name} returns {returns}")
            if any(isinstance(inner, ast.Raise | ast.Assert) for inner in ast.walk(node)):
                offenders.append(f"{relative}:{node.lineno} {node.name} raises")
    assert offenders == []


NOTEBOOK_IMPORT = re.compile(
    r"^\s*from\s+(cpts_training(?:\.\w+)*)\s+import\s+(\([^)]*\)|[^\n#]+)", re.MULTILINE
)


def notebook_imports() -> list[tuple[str, str, str]]:
    """(notebook, module, name) for every ``from cpts_training… import name`` in a notebook."""
    found = []
    for folder in ("modules", "assessments"):
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            source = "\n".join(
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells
                if c["cell_type"] == "code"
            )
            for module, names in NOTEBOOK_IMPORT.findall(source):
                for item in names.strip("()").split(","):
                    name = item.split(" as ")[0].strip()
                    if name and name != "*":
                        found.append((path.relative_to(ROOT).as_posix(), module, name))
    return found


def test_every_name_a_notebook_imports_from_the_package_exists() -> None:
    imports = notebook_imports()
    assert any(name == "check_balance" for _, _, name in imports)
    missing = [
        f"{notebook}: from {module} import {name}"
        for notebook, module, name in imports
        if not hasattr(importlib.import_module(module), name)
        and importlib.util.find_spec(f"{module}.{name}") is None
    ]
    assert missing == []


def test_the_trainer_api_is_listed_and_importable() -> None:
    import cpts_training.trainer as trainer

    assert trainer.__all__ == sorted(trainer.__all__)
    assert [name for name in trainer.__all__ if not hasattr(trainer, name)] == []


def test_update_report_says_what_changed_and_what_to_do() -> None:
    from cpts_training.trainer import update_report

    outcome = {"ajoutées": ["evaluation_02"], "identiques": [], "modifiées": ["evaluation_01"]}
    lines = update_report({**outcome, "remplacées": []})
    assert lines[:2] == [
        "Évaluations ajoutées : evaluation_02",
        "Évaluations modifiées : evaluation_01",
    ]
    assert "relancez avec --replace" in lines[2]
    assert len(lines) == 3
    assert update_report(
        {"ajoutées": [], "identiques": ["a"], "modifiées": [], "remplacées": []}
    ) == ["Évaluations identiques : a"]
