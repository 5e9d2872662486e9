"""Indicateurs de pilotage and tableau de bord, on the case CPTS's trial balances and
activity file, values computed by hand.

Trial balances (``data/cas/balance_generale_<year>.yaml``):

- 2025: produits 209 875 (ACI 741 196 375), charges 195 186 (personnel 64: 40 800 +
  11 000 + 17 136 + 4 620 = 73 556; dotation 6811 1 300; 6228 74 800), résultat 14 689,
  CAF 14 689 + 1 300 = 15 989; FRNG = FRI (1 300 − 3 900 = −2 600) + FRE 59 689 = 57 089;
  trésorerie 75 289; charges courantes décaissables (60 à 65) 195 186 − 1 300 = 193 886;
- 2024: produits 105 000 (ACI 70 000), charges 60 000 (personnel 24 000 + 10 080 =
  34 080; 6228 12 000), résultat = CAF = 45 000 = FRNG = FRE; trésorerie 80 000.

Activity (``data/cas/activite_aubrenne.yaml``): 2025: 43 professionnels libéraux + 7
structures = 50 adhérents, 22 in working groups, 310 patients orientés, 1 170 heures
indemnisées; 2024: 35 + 5 = 40 adhérents, 85 patients, 190 heures.
"""

from __future__ import annotations

import math

import openpyxl
import pytest

from cpts_training.errors import DataError, InputError
from cpts_training.finance.case_study import CASE_YEARS
from cpts_training.finance.indicators import (
    CATALOGUE_COLUMNS,
    FAMILIES,
    MAX_INDICATORS,
    IndicatorChoice,
    dashboard_table,
    export_dashboard_xlsx,
    indicator_catalogue,
    indicator_values,
    load_activity,
    plot_dashboard,
    show_change,
    show_value,
    target_from_text,
)


@pytest.fixture(scope="module")
def values():
    return indicator_values([2024, 2025])


def choice(code, cible, frequence="annuelle", destinataires=("CA",)):
    return IndicatorChoice(code, cible, frequence, destinataires)


THREE = [
    choice("taux_caf", 0.075),
    choice("cout_patient_oriente", 600, "trimestrielle", ("CA", "ARS")),
    choice("reserves_mois", 6, "semestrielle", ("CA", "CPAM")),
]


def test_catalogue_has_the_three_families_and_sources():
    catalogue = indicator_catalogue()
    assert tuple(catalogue.columns) == CATALOGUE_COLUMNS
    assert 12 <= len(catalogue) <= 16
    assert set(catalogue["famille"]) == set(FAMILIES)
    assert set(catalogue["sens"]) == {"hausse", "baisse"}
    for needed in ("resultat", "caf", "taux_caf", "frng_jours", "tresorerie_jours", "part_aci",
                   "part_personnel", "reserves_mois", "cout_patient_oriente"):  # fmt: skip
        assert needed in set(catalogue["code"])
    financial = catalogue[catalogue["famille"] == "financier"].set_index("code")
    assert "guide M22" in financial.at["caf", "source"]
    assert "ANAP" in financial.at["taux_caf", "source"]
    activity = catalogue[catalogue["famille"] == "activité"]
    assert set(activity["source"]) == {"données d'activité de la CPTS (fictives)"}


def test_activity_file_covers_the_case_years_and_matches_the_accounts():
    activity = load_activity()
    for year in (2023, 2024, 2025, *CASE_YEARS):
        assert year in activity.index
    # Cotisations 756: 2025 50 × 30 = 1 500 €; 2024 40 × 25 = 1 000 €; 2023 20 × 30 = 600 €.
    members = activity["adherents_professionnels_liberaux"] + activity["adherents_structures"]
    assert members.loc[[2023, 2024, 2025]].tolist() == [20, 40, 50]
    # 6228 / heures: 74 800 / 1 170 = 63,93 €/h (budget 91 950 / 1 440 = 63,85 €/h).
    assert 74800 / activity.at[2025, "heures_indemnisees_professionnels"] == pytest.approx(
        63.93, abs=0.01
    )


def test_financial_values_by_hand(values):
    v = values
    assert v.at["resultat", 2025] == pytest.approx(14689)
    assert v.at["caf", 2025] == pytest.approx(15989)
    # 15 989 / 209 875 = 0,07618 → 7,62 %.
    assert v.at["taux_caf", 2025] == pytest.approx(15989 / 209875)
    assert show_value(v.at["taux_caf", 2025], "%") == "7,6\xa0%"
    # 57 089 × 365 / 193 886 = 107,47 jours ; 75 289 × 365 / 193 886 = 141,74 jours.
    assert v.at["frng_jours", 2025] == pytest.approx(107.47, abs=0.01)
    assert v.at["tresorerie_jours", 2025] == pytest.approx(141.74, abs=0.01)
    # 196 375 / 209 875 = 93,57 % ; 70 000 / 105 000 = 66,67 %.
    assert v.at["part_aci", 2025] == pytest.approx(0.9357, abs=1e-4)
    assert v.at["part_aci", 2024] == pytest.approx(2 / 3)
    # 73 556 / 195 186 = 37,69 % ; 34 080 / 60 000 = 56,8 %.
    assert v.at["part_personnel", 2025] == pytest.approx(0.3769, abs=1e-4)
    assert v.at["part_personnel", 2024] == pytest.approx(0.568)
    # 59 689 × 12 / (195 186 − 1 300) = 3,69 mois ; 45 000 × 12 / 60 000 = 9 mois.
    assert v.at["reserves_mois", 2025] == pytest.approx(3.694, abs=1e-3)
    assert v.at["reserves_mois", 2024] == pytest.approx(9.0)
    assert v.at["taux_caf", 2024] == pytest.approx(45000 / 105000)


def test_activity_and_efficiency_values_by_hand(values):
    v = values
    assert v.at["adherents", 2025] == 50
    assert v.at["taux_participation", 2025] == pytest.approx(22 / 43)  # 51,16 %
    assert v.at["patients_orientes", 2024] == 85
    # 195 186 / 310 = 629,63 € ; 60 000 / 85 = 705,88 €.
    assert v.at["cout_patient_oriente", 2025] == pytest.approx(629.63, abs=0.01)
    assert v.at["cout_patient_oriente", 2024] == pytest.approx(705.88, abs=0.01)
    # 74 800 / 1 170 = 63,93 € ; 12 000 / 190 = 63,16 €.
    assert v.at["indemnite_horaire", 2025] == pytest.approx(63.93, abs=0.01)
    assert v.at["indemnite_horaire", 2024] == pytest.approx(63.16, abs=0.01)
    # 195 186 / 50 = 3 903,72 € ; 60 000 / 40 = 1 500 €.
    assert v.at["charges_par_adherent", 2025] == pytest.approx(3903.72)
    assert v.at["charges_par_adherent", 2024] == pytest.approx(1500)


def test_dashboard_table_by_hand(values):
    table = dashboard_table(THREE, values=values)
    assert list(table["code"]) == ["taux_caf", "cout_patient_oriente", "reserves_mois"]
    row = table.set_index("code").loc["taux_caf"]
    assert row["libelle"] == "Taux de CAF"
    assert row["unite"] == "%"
    assert row[2025] == pytest.approx(0.07618, abs=1e-5)
    # évolution 7,618 % − 42,857 % = −35,24 points ; 7,62 % ≥ 7,5 % : cible atteinte.
    assert row["evolution"] == pytest.approx(0.07618 - 0.42857, abs=1e-5)
    assert show_change(row["evolution"], "%") == "-35,2 points"
    assert table.at[0, "cible_atteinte"] is True
    cost = table.set_index("code").loc["cout_patient_oriente"]
    # 629,63 > 600 with « baisse » wanted: not met; évolution 629,63 − 705,88 = −76,25 €,
    # relative −76,25 / 705,88 = −10,8 %.
    assert table.at[1, "cible_atteinte"] is False
    assert cost["evolution"] == pytest.approx(-76.25, abs=0.01)
    assert cost["evolution_relative"] == pytest.approx(-0.108, abs=1e-3)
    assert cost["destinataires"] == "CA, ARS"
    reserves = table.set_index("code").loc["reserves_mois"]
    # Reserves: the target is a minimum voted by the CA (« hausse »): 3,69 < 6 months.
    assert table.at[2, "cible_atteinte"] is False
    assert reserves["sens"] == "hausse"
    # The same choices against a higher target for the taux de CAF: 7,62 % < 8 %.
    higher = [choice("taux_caf", 0.08), *THREE[1:]]
    assert dashboard_table(higher, values=values).at[0, "cible_atteinte"] is False


def test_default_years_are_the_case_years_with_activity():
    table = dashboard_table(THREE)
    years = [c for c in table.columns if isinstance(c, int)]
    assert years == [y for y in CASE_YEARS if y in load_activity().index]
    assert years[-2:] == [2024, 2025]


def test_a_missing_value_is_neither_met_nor_missed(values):
    changed = values.copy()
    changed.at["cout_patient_oriente", 2025] = math.nan
    table = dashboard_table(THREE, values=changed)
    assert table.at[1, "cible_atteinte"] is None
    assert show_value(math.nan, "€") == "n.d."


@pytest.mark.parametrize(
    ("choices", "words"),
    [
        ([choice("tresorerie", 90), *THREE[1:]], "Indicateur inconnu « tresorerie »"),
        ([*THREE, choice("taux_caf", 0.1)], "« Taux de CAF » est choisi deux fois"),
        (THREE[:2], "choisissez-en au moins 3"),
        ([choice("taux_caf", None), *THREE[1:]], "Cible manquante pour « Taux de CAF »"),
        ([choice("taux_caf", 7.5), *THREE[1:]], "sa cible s'écrit en fraction"),
        ([choice("taux_caf", 0.07, "hebdomadaire"), *THREE[1:]], "« hebdomadaire » inconnue"),
        ([choice("taux_caf", 0.07, ""), *THREE[1:]], "Fréquence manquante"),
        ([choice("taux_caf", 0.07, "annuelle", ()), *THREE[1:]], "au moins un destinataire"),
        ([choice("taux_caf", 0.07, "annuelle", ("Mairie",)), *THREE[1:]],
         "Destinataire inconnu « Mairie »"),
    ],
)  # fmt: skip
def test_bad_choices_are_refused_in_french(values, choices, words):
    with pytest.raises(InputError, match=words):
        dashboard_table(choices, values=values)


def test_more_than_eight_indicators_is_refused(values):
    codes = list(indicator_catalogue()["code"])[: MAX_INDICATORS + 1]
    with pytest.raises(InputError, match="8 indicateurs au plus. Retirez-en 1"):
        dashboard_table([choice(c, 1) for c in codes], values=values)


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("taux_caf", "7,5 %", 0.075),
        ("taux_caf", "7,5", 0.075),
        ("taux_caf", "0,5 %", 0.005),
        ("resultat", "15 000", 15000.0),
        ("resultat", "15 000 €", 15000.0),
        ("tresorerie_jours", "90", 90.0),
        ("adherents", "", None),
    ],
)
def test_target_typed_the_french_way(code, text, expected):
    target = target_from_text(code, text)
    if expected is None:
        assert target is None
    else:
        assert target == pytest.approx(expected)


@pytest.mark.parametrize(
    ("code", "text", "words"),
    [
        ("taux_caf", "0,25", "« 0,25 » est ambigu.*écrivez « 25 % »"),
        ("taux_caf", "3 000 €", "est un montant"),
        ("tresorerie_jours", "30 %", "s'exprime en jours"),
        ("adherents", "60 €", "s'exprime en nombre"),
        ("resultat", "douze", "n'est pas un nombre lisible"),
        ("inconnu", "3", "Indicateur inconnu « inconnu »"),
    ],
)
def test_target_in_the_wrong_unit_is_refused(code, text, words):
    with pytest.raises(InputError, match=words):
        target_from_text(code, text)


def test_plot_dashboard_has_one_panel_per_indicator_with_its_target(values):
    figure = plot_dashboard(dashboard_table(THREE, values=values))
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == 3
    # taux de CAF drawn in percent: 42,86 then 7,62; target line at 7,5.
    lines = visible[0].get_lines()
    assert list(lines[0].get_ydata()) == pytest.approx([42.857, 7.618], abs=1e-3)
    assert list(lines[1].get_ydata()) == pytest.approx([7.5, 7.5])


def test_export_dashboard_xlsx(values, tmp_path):
    target = tmp_path / "tdb.xlsx"
    export_dashboard_xlsx(target, dashboard_table(THREE, values=values), notice="Fictif")
    sheet = openpyxl.load_workbook(target)["Tableau de bord"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0]}
    header = rows["Indicateur"]
    caf_row = rows["Taux de CAF"]
    assert caf_row[header.index("Cible")] == pytest.approx(0.075)
    assert caf_row[header.index("2025")] == pytest.approx(0.07618, abs=1e-5)
    assert caf_row[header.index("Cible atteinte")] == "oui"
    assert rows["Coût par patient orienté vers un médecin traitant"][-1] == "non"
    with pytest.raises(InputError, match="existe déjà"):
        export_dashboard_xlsx(target, dashboard_table(THREE, values=values))


def test_a_bad_activity_file_is_refused(tmp_path):
    bad = tmp_path / "activite.yaml"
    bad.write_text(
        "fictional: true\nwarning: x\ncpts: X\nannees:\n  2025:\n    adherents_structures: -1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="activite.yaml"):
        load_activity(bad)


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("frng_jours", "60 jours", 60),
        ("tresorerie_jours", "1 jour", 1),
        ("reserves_mois", "3,5 mois", 3.5),
        ("adherents", "400 adhérents", 400),
        ("patients_orientes", "50 patients", 50),
        ("participants_prevention", "1 200 participants", 1200),
        ("resultat", "500 €", 500),
        ("taux_caf", "7,5 %", 0.075),
    ],
)
def test_a_target_may_carry_the_indicator_s_own_unit_word(code, text, expected):
    assert target_from_text(code, text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("code", "text", "words"),
    [
        ("frng_jours", "60 mois", "est en mois ; cet indicateur s'exprime en jours"),
        ("adherents", "12 ans", "est en années"),
        ("frng_jours", "60 pommes", "contient des lettres"),
    ],
)
def test_another_unit_word_is_refused(code, text, words):
    with pytest.raises(InputError, match=words):
        target_from_text(code, text)


def plain_text(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_euros_show_cents_only_when_there_are_some():
    assert plain_text(show_value(0, "€")) == "0 €"
    assert plain_text(show_value(45000, "€")) == "45 000 €"
    assert plain_text(show_value(52142.4, "€")) == "52 142,40 €"
    assert plain_text(show_value(629.6258, "€")) == "629,63 €"


def test_plot_dashboard_fonts_are_readable_at_900_px(values):
    figure = plot_dashboard(dashboard_table(THREE, values=values))
    # 9 inches × 100 dpi = 900 px: the image is shown at its own size.
    assert figure.get_figwidth() == pytest.approx(9)
    for ax in (a for a in figure.axes if a.get_visible()):
        assert ax.title.get_fontsize() >= 10
        assert all(t.get_fontsize() >= 10 for t in ax.get_xticklabels())
        assert all(t.get_fontsize() >= 10 for t in ax.get_yticklabels())
    assert figure.axes[0].get_legend().get_texts()[0].get_fontsize() >= 10
