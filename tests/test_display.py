"""French tables: headers, euros, percentages, dates and booleans."""

from __future__ import annotations

import datetime as dt

import pandas as pd

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
