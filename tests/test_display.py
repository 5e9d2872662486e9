"""French tables: headers, euros, percentages, dates and booleans."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

# The domains declare the labels of their columns when imported.
import cpts_training.budget  # noqa: F401
import cpts_training.territory  # noqa: F401
from cpts_training.display import column_label, french_table


def test_column_labels() -> None:
    assert column_label("part_fixe_eur") == "Part fixe (€)"
    assert column_label("ecart_relatif") == "Écart (%)"
    assert column_label("libelle") == "Libellé"
    assert column_label("nouvelle_colonne") == "Nouvelle colonne"
    assert [column_label(c) for c in ("prevu_eur", "realise_eur", "ecart_eur")] == [
        "Prévu (€)",
        "Réalisé (€)",
        "Écart (€)",
    ]


def test_headers_already_written_for_readers_are_kept() -> None:
    assert column_label("Part des 75 ans et plus (%)") == "Part des 75 ans et plus (%)"
    assert column_label("Part ACI du budget (€)") == "Part ACI du budget (€)"
    assert column_label("tranche_age") == "Tranche d'âge"
    assert column_label("habitants") == "Habitants"


def test_french_table_formats_every_kind_of_cell() -> None:
    table = pd.DataFrame(
        {
            "libelle": ["Loyer"],
            "montant_eur": [8400.0],
            "solde_eur": [-6355.5],
            "ecart_relatif": [0.625],
            "alerte": [True],
            "debut": [dt.date(2025, 4, 1)],
        }
    )
    html = french_table(table).to_html().replace("\u202f", " ").replace("\xa0", " ")
    for expected in (
        "Libellé",
        "Montant (€)",
        "8 400 €",
        "-6 355,50 €",
        "62,5 %",
        "oui",
        "01/04/2025",
        "Écart (%)",
    ):
        assert expected in html, expected
    assert "text-align: right" in html


def test_french_table_keeps_the_data_and_selects_columns() -> None:
    table = pd.DataFrame({"compte": ["606"], "montant_eur": [1.0], "classe": ["60"]})
    styled = french_table(table, ["compte", "montant_eur"])
    assert list(styled.data.columns) == ["compte", "montant_eur"]
    assert styled.data["montant_eur"].iloc[0] == 1.0


def test_numbers_use_french_separators_and_one_precision_per_column() -> None:
    table = pd.DataFrame(
        {
            "commune": ["A", "B"],
            "population": [14384, 583],
            "part": [10.8, 12.0],
            "densite": [345.8, 11.15],
        }
    )
    html = french_table(table).to_html().replace("\u202f", " ")
    assert "14 384" in html and ">583<" in html
    assert "10,8<" in html and "12,0<" in html  # one decimal for the whole column
    assert "345,80" in html and "11,15" in html  # two decimals needed in this column


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (205075.0, "€", "Financement : 205 075 €"),
        (np.int64(52886), "habitants", "Financement : 52 886 habitants"),
        (11.9, "%", "Financement : 11,9 %"),
        (-19235, "€", "Financement : -19 235 €"),
        (6552.000000001, "€", "Financement : 6 552 €"),
        # 0,6 × 36 000 × 1,42 × 1,02² = 31 911,1488: an amount shows its cents at most.
        (0.6 * 36000 * 1.42 * 1.02 * 1.02, "€", "Financement : 31 911,15 €"),
        (2, "", "Financement : 2"),
        ("deux", "", "Financement : ⚠ cette réponse est un texte (« deux »)"),
        (True, "", "Financement : ⚠ cette réponse doit être un nombre"),
    ],
)
def test_answer_text_writes_numbers_the_french_way(value, unit, expected) -> None:
    from cpts_training.display import answer_text

    text = answer_text("Financement", value, unit).replace("\u202f", " ").replace("\u00a0", " ")
    assert text == expected if "⚠" not in expected else text.startswith(expected)
