"""The package's layout rules: one folder per domain, model APIs free of screens.

- A domain's model (every module of ``cpts_training/<domain>/`` but its ``widgets`` and
  ``checks``) imports no ipywidgets, no widget or check module, not the trainer and not
  the command line; importing a domain's package loads no ipywidgets (the autograde
  kernel stays light).
- The trainer imports no widget module.
- The former import paths, used by notebooks already handed out to trainees (and
  re-executed by autograde), still import.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import cpts_training

PACKAGE = Path(cpts_training.__file__).parent
DOMAINS = ("budget", "finance", "territory")
SCREENS = ("widgets", "checks")


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden_for_a_model(name: str) -> bool:
    parts = name.split(".")
    return (
        parts[0] in {"ipywidgets", "ipydatagrid"}
        or name.startswith(("cpts_training.trainer", "cpts_training.cli", "cpts_training.widgets"))
        or (parts[0] == "cpts_training" and len(parts) > 2 and parts[2] in SCREENS)
        or name.startswith("cpts_training.checks")
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_model_imports_no_screen_no_trainer_no_cli(domain: str) -> None:
    models = [p for p in (PACKAGE / domain).glob("*.py") if p.stem not in SCREENS]
    assert models
    offenders = {
        p.name: sorted(n for n in imported_modules(p) if _forbidden_for_a_model(n)) for p in models
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("domain", DOMAINS)
def test_importing_a_domain_loads_no_ipywidgets(domain: str) -> None:
    code = (
        f"import sys, cpts_training.{domain}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'ipydatagrid')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_trainer_imports_no_widget() -> None:
    offenders = {
        p.name: sorted(
            n
            for n in imported_modules(p)
            if n.split(".")[0] in {"ipywidgets", "ipydatagrid"} or ".widgets" in n
        )
        for p in (PACKAGE / "trainer").glob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize(
    ("old", "names"),
    [
        ("cpts_training.datasets", ["load_territory", "Territory", "validate_communes"]),
        ("cpts_training.widgets.territory", ["CommuneExplorer", "aci_size_quiz"]),
        ("cpts_training.checks.territory", ["check_share_75_plus", "size_thresholds"]),
        ("cpts_training.widgets.budget", ["AciSimulator", "BudgetEditor", "CashWhatIf"]),
        ("cpts_training.checks.budget", ["check_cash_low_point", "check_prevention_drop"]),
        ("cpts_training.territory", ["presentation", "population_chart", "age_band_table"]),
        ("cpts_training.checks", ["check_share_75_plus", "check_aci_size", "check_number"]),
    ],
)
def test_former_import_paths_still_work(old: str, names: list[str]) -> None:
    module = importlib.import_module(old)
    assert all(hasattr(module, name) for name in names)
