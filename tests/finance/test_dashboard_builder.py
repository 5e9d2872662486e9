"""The tableau de bord builder driven as a trainee drives it (values computed by hand in
tests/finance/test_indicators.py: taux de CAF 2025 = 15 989 / 209 875 = 7,62 %, 2024 =
45 000 / 105 000 = 42,86 %; coût par patient orienté 2025 = 195 186 / 310 = 629,63 €,
2024 = 60 000 / 85 = 705,88 €; adhérents 40 then 50)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
import pytest

from cpts_training.finance.widgets.dashboard_builder import NO_FREQUENCY, DashboardBuilder
from tests.finance.helpers import plain, text_of


def rows_of(markup: str) -> list[list[str]]:
    root = ET.fromstring(f"<div>{markup}</div>")
    table = next(root.iter("table"))
    return [[plain("".join(c.itertext())) for c in row] for row in table.iter("tr")]


@pytest.fixture
def builder() -> DashboardBuilder:
    return DashboardBuilder.from_case_study()


def tick(builder, code, target, frequency="annuelle", recipients=("CA",)):
    builder.ticks[code].value = True
    builder.targets[code].value = target
    builder.frequencies[code].value = frequency
    builder.recipients[code].value = recipients


def test_nothing_is_preselected_nor_suggested(builder):
    assert not any(t.value for t in builder.ticks.values())
    assert all(f.value == "" for f in builder.targets.values())
    assert all(f.value == NO_FREQUENCY for f in builder.frequencies.values())
    assert all(r.value == () for r in builder.recipients.values())
    assert builder.targets["taux_caf"].unit == "%"
    assert builder.targets["resultat"].unit == "€"
    assert builder.table.value == ""


def test_trainee_builds_a_dashboard_and_reads_it(builder):
    tick(builder, "taux_caf", "7,5 %", "annuelle", ("CA", "ARS"))
    tick(builder, "cout_patient_oriente", "600", "trimestrielle")
    tick(builder, "adherents", "60", "semestrielle", ("AG",))
    builder.build_button.click()
    assert builder.status.value == ""
    rows = rows_of(builder.table.value)
    header = rows[0]
    assert header[-1] == "Cible atteinte en 2025"
    assert header[-2] == "Évolution 2024–2025"
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    caf = body["Taux de CAF"]
    assert caf["Cible"] == "7,5 %"
    assert caf["2025"] == "7,6 %"
    assert caf["2024"] == "42,9 %"
    assert caf["Évolution 2024–2025"] == "-35,2 points"  # 7,62 − 42,86
    assert caf["Cible atteinte en 2025"] == "oui"  # 7,62 % ≥ 7,5 %
    assert caf["Destinataires"] == "CA, ARS"
    cost = body["Coût par patient orienté vers un médecin traitant"]
    # Cents shown when there are some: 629,63 € and 705,88 €.
    assert cost["2025"] == "629,63 €"
    assert cost["2024"] == "705,88 €"
    assert cost["Cible"] == "600 €"
    assert cost["Évolution 2024–2025"] == "-76,25 €"  # 629,63 − 705,88
    assert cost["Cible atteinte en 2025"] == "non"  # 629,63 € > 600 €, « baisse » wanted
    members = body["Adhérents"]
    assert (members["2024"], members["2025"], members["Évolution 2024–2025"]) == ("40", "50", "+10")
    assert members["Cible atteinte en 2025"] == "non"  # 50 < 60
    assert builder.chart.value[:4] == b"\x89PNG"
    assert builder.chart.layout.display is None


def test_a_target_typed_as_a_fraction_is_refused_in_french(builder):
    tick(builder, "taux_caf", "0,25")
    tick(builder, "resultat", "10 000")
    tick(builder, "adherents", "60")
    builder.build_button.click()
    message = text_of(builder.status.value)
    assert "« 0,25 » est ambigu" in message
    assert "écrivez « 25 % »" in message
    assert builder.result is None
    assert builder.table.value == ""
    builder.targets["taux_caf"].value = "25 %"
    builder.build_button.click()
    # 7,62 % < 25 %: cible non atteinte.
    assert builder.result is not None
    assert builder.result.set_index("code").at["taux_caf", "cible_atteinte"] is False


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda b: tick(b, "taux_caf", "7,5 %"), "1 indicateur(s) choisi(s)"),
        (lambda b: [tick(b, c, "1") for c in list(b.ticks)[:9]], "8 indicateurs au plus"),
    ],
)
def test_too_few_or_too_many_indicators(builder, setup, words):
    setup(builder)
    builder.build_button.click()
    assert words in text_of(builder.status.value)


def test_missing_target_and_frequency_are_named(builder):
    tick(builder, "taux_caf", "7,5 %")
    tick(builder, "resultat", "")
    tick(builder, "adherents", "60")
    builder.build_button.click()
    assert "Cible manquante pour « Résultat de l'exercice »" in text_of(builder.status.value)
    builder.targets["resultat"].value = "10 000"
    builder.frequencies["adherents"].value = NO_FREQUENCY
    builder.build_button.click()
    assert "Fréquence manquante pour « Adhérents »" in text_of(builder.status.value)


def test_export_writes_the_dashboard(builder, tmp_path):
    tick(builder, "taux_caf", "7,5 %")
    tick(builder, "resultat", "10 000")
    tick(builder, "reserves_mois", "3")
    target = tmp_path / "tdb.xlsx"
    builder.export_name.value = str(target)
    builder.export_button.click()
    assert "Classeur enregistré" in text_of(builder.export_status.value)
    sheet = openpyxl.load_workbook(target)["Tableau de bord"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0]}
    header = rows["Indicateur"]
    assert rows["Résultat de l'exercice"][header.index("2025")] == 14689
    # Reserves 2025: 3,69 months, at least the 3 months voted (a minimum).
    assert rows["Réserves en mois de charges"][header.index("Cible atteinte")] == "oui"
    builder.export_button.click()
    assert "existe déjà" in text_of(builder.export_status.value)


def test_a_target_in_days_typed_with_its_unit_word(builder):
    # « 60 jours » for the FRNG in days, « 3 mois » for reserves, « 45 adhérents ».
    tick(builder, "frng_jours", "60 jours")
    tick(builder, "reserves_mois", "3 mois")
    tick(builder, "adherents", "45 adhérents")
    builder.build_button.click()
    assert builder.status.value == "", text_of(builder.status.value)
    targets = builder.result.set_index("code")["cible"]
    assert (targets["frng_jours"], targets["reserves_mois"], targets["adherents"]) == (60, 3, 45)
    # Adhérents 2025 = 50 ≥ 45: atteinte.
    assert builder.result.set_index("code").at["adherents", "cible_atteinte"] is True
    # Another unit's word is refused in French.
    builder.targets["frng_jours"].value = "60 mois"
    builder.build_button.click()
    assert "« 60 mois » est en mois ; cet indicateur s'exprime en jours" in text_of(
        builder.status.value
    )


def test_recipients_are_one_tick_box_each_with_its_whole_label(builder):
    choice = builder.recipients["taux_caf"]
    assert list(choice.checkboxes) == [
        "CA",
        "bureau",
        "AG",
        "ARS",
        "CPAM",
        "équipe de coordination",
    ]
    for name, box in choice.checkboxes.items():
        assert box.description == name and box.layout.width == "auto" and not box.indent
    choice.checkboxes["bureau"].value = True
    choice.checkboxes["CPAM"].value = True
    assert choice.value == ("bureau", "CPAM")
    tick(builder, "resultat", "10 000")
    tick(builder, "adherents", "60")
    builder.ticks["taux_caf"].value = True
    builder.targets["taux_caf"].value = "7,5 %"
    builder.frequencies["taux_caf"].value = "annuelle"
    builder.build_button.click()
    rows = rows_of(builder.table.value)
    body = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert body["Taux de CAF"]["Destinataires"] == "bureau, CPAM"


def test_the_table_fits_or_scrolls_right_under_itself(builder):
    tick(builder, "taux_caf", "7,5 %")
    tick(builder, "resultat", "10 000")
    tick(builder, "adherents", "60")
    builder.build_button.click()
    root = ET.fromstring(f"<div>{builder.table.value}</div>")
    box = root[0]
    assert "overflow-x:auto" in box.get("style", "") and "min-width:100%" in box.get("style", "")
    assert len(list(box.iter("table"))) == 1
    header = rows_of(builder.table.value)[0]
    # No « Unité » column (each value carries its unit): 5 + years + 2 columns.
    assert "Unité" not in header
    assert header[:5] == ["Indicateur", "Cible", "Fréquence", "Destinataires", "Sens souhaité"]
