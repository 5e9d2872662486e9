"""Small trial balances written by hand for the finance tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd


def make_tb(amounts: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Trial balance from ``{compte: (debit, credit)}``."""
    return pd.DataFrame(
        [
            {"compte": account, "libelle": f"Compte {account}", "debit": d, "credit": c}
            for account, (d, c) in amounts.items()
        ]
    )


# Worked example, financial year 2025 (12 accounts). Résultat, CAF, masses and ratios are
# computed by hand in tests/finance/test_worked_example.py.
EXAMPLE_2025 = {
    "102": (0, 10000),  # fonds associatifs
    "164": (0, 6000),  # emprunt bancaire
    "2183": (12000, 0),  # matériel informatique (brut)
    "28183": (0, 3000),  # amortissements cumulés
    "4418": (4000, 0),  # subvention à recevoir
    "401": (0, 2000),  # fournisseurs
    "431": (0, 1000),  # URSSAF
    "512": (13000, 0),  # banque
    "606": (6500, 0),  # achats non stockés
    "641": (30000, 0),  # salaires
    "6811": (3000, 0),  # dotation aux amortissements
    "741": (0, 46500),  # subvention d'exploitation
}

# The same association at the end of 2024 (7 accounts): résultat 0, no amortissement yet.
EXAMPLE_2024 = {
    "102": (0, 10000),
    "164": (0, 8000),
    "2183": (9000, 0),
    "401": (0, 1500),
    "512": (10500, 0),
    "641": (20000, 0),
    "741": (0, 20000),
}


def plain(text: object) -> str:
    """``text`` with no-break and narrow no-break spaces read as plain spaces."""
    return str(text).replace("\u202f", " ").replace("\xa0", " ")


def text_of(markup: str) -> str:
    """The text of an HTML fragment (a widget's value), spaces made plain."""
    return plain("".join(ET.fromstring(f"<div>{markup}</div>").itertext()))


def html_tables(markup: str) -> list[list[list[str]]]:
    """Every table of an HTML fragment: its rows, each row its cells' plain text."""
    root = ET.fromstring(f"<div>{markup}</div>")
    return [
        [[plain("".join(cell.itertext())) for cell in row] for row in table.iter("tr")]
        for table in root.iter("table")
    ]
