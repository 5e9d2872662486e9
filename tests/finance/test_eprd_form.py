"""The EPRD form of the fictional « SSIAD du Causse », driven as a trainee drives it.

Hand values of the filed EPRD 2025 (comments of ``data/cas/ssiad_eprd_2025.yaml``):
charges I 28 000, II 526 000, III 54 500 (total 608 500); produits 610 000; résultat
1 500; CAF 14 000; apport −1 000; FRNG 89 000; BFR 45 900; trésorerie 43 100.
Charges décaissables (60 to 65 but 657) = 28 000 + 526 000 + 35 000 = 589 000.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cpts_training.finance.widgets.eprd_form import (
    COMPARE_HEADERS,
    COMPUTE_LABEL,
    FICTIONAL_CAPTION,
    MAX_INVESTMENTS,
    EprdForm,
)
from tests.finance.helpers import html_tables, text_of

tables = html_tables


def rows_of(table: list[list[str]]) -> dict[str, list[str]]:
    """Poste → [EPRD déposé, avec vos mesures, écart]."""
    return {row[0]: row[1:] for row in table[1:]}


@pytest.fixture
def fresh() -> EprdForm:
    return EprdForm.from_case_study(2025)


def test_the_form_shows_the_filed_eprd_next_to_the_measures(fresh: EprdForm):
    text = text_of(fresh.children[0].value)
    assert FICTIONAL_CAPTION in text and "fictif" in text
    assert fresh.compute_button.description == COMPUTE_LABEL
    assert list(fresh.loan_fields) == list(range(2025, 2031))
    assert len(fresh.investment_rows) == MAX_INVESTMENTS
    assert fresh.investment_rows[0].year.options == tuple(range(2025, 2031))
    found = tables(fresh.results.value)
    # CRPP, CAF, TFP, bilan financier, PGFP
    assert len(found) == 5
    for table in found[:4]:
        assert table[0] == list(COMPARE_HEADERS)
        assert table[0][1:3] == ["EPRD déposé", "Avec vos mesures"]
    crpp = rows_of(found[0])
    # Without measures both columns hold the filed figures and the gap is 0.
    assert crpp["Résultat (produits − charges)"] == ["1 500 €", "1 500 €", "0 €"]
    assert crpp["Total des charges"] == ["608 500 €", "608 500 €", "0 €"]


def test_a_group_ii_charge_typed_the_french_way(fresh: EprdForm):
    fresh.charges_fields["II"].value = "10 000"
    # Before the click the figures shown are still those of the filed EPRD, said so.
    assert "Montants modifiés" in text_of(fresh.status.value)
    assert rows_of(tables(fresh.results.value)[0])["Résultat (produits − charges)"][1] == (
        "1 500 €"
    )
    fresh.compute_button.click()
    assert fresh.status.value == ""
    found = tables(fresh.results.value)
    crpp, caf, tfp, balance = (rows_of(t) for t in found[:4])
    # charges II 526 000 + 10 000 = 536 000 ; total 618 500 ; résultat −8 500
    assert crpp["Charges – groupe II (Charges afférentes au personnel)"] == [
        "526 000 €",
        "536 000 €",
        "+10 000 €",
    ]
    assert crpp["Total des charges"] == ["608 500 €", "618 500 €", "+10 000 €"]
    assert crpp["Résultat (produits − charges)"] == ["1 500 €", "-8 500 €", "-10 000 €"]
    # CAF 14 000 − 10 000 = 4 000
    assert caf["Capacité d'autofinancement (CAF)"] == ["14 000 €", "4 000 €", "-10 000 €"]
    # apport −1 000 − 10 000 = −11 000
    assert tfp["Apport (+) ou prélèvement (−) sur fonds de roulement"] == [
        "-1 000 €",
        "-11 000 €",
        "-10 000 €",
    ]
    # FRNG 79 000 ; trésorerie 79 000 − 45 900 = 33 100
    assert balance["Fonds de roulement net global (FRNG) au 31/12/2025"][:2] == [
        "89 000 €",
        "79 000 €",
    ]
    assert balance["Trésorerie au 31/12/2025 (FRNG − BFR)"] == [
        "43 100 €",
        "33 100 €",
        "-10 000 €",
    ]
    # 43 100 × 365 / 589 000 = 26,7 → 27 jours ; 33 100 × 365 / 599 000 = 20,2 → 20 jours
    assert balance["Trésorerie en jours de charges décaissables"] == [
        "27 jours",
        "20 jours",
        "-7 jours",
    ]
    plan = found[4]
    assert [row[0] for row in plan[1:]] == [str(y) for y in range(2025, 2031)]
    header = plan[0]
    first = dict(zip(header, plan[1], strict=True))
    assert first["Trésorerie 31/12 (déposé)"] == "43 100 €"
    assert first["Trésorerie 31/12 (vos mesures)"] == "33 100 €"
    # FRNG 79 000 and résultat −8 500 in 2025 (see the bilan financier above)
    assert first["FRNG 31/12"] == "79 000 €"
    assert first["Résultat"] == "-8 500 €"
    # The measure grows by 2,5 % a year (groupe II): the cumulated loss of CAF at the end
    # of 2028 is 10 000 + 10 250 + 10 506,25 + 10 768,91 = 41 525,16 → 41 525 €.
    in_2028 = dict(zip(header, plan[4], strict=True))
    filed = float(in_2028["Trésorerie 31/12 (déposé)"][:-2].replace(" ", ""))
    mine = float(in_2028["Trésorerie 31/12 (vos mesures)"][:-2].replace(" ", ""))
    assert filed - mine == pytest.approx(41525, abs=1)
    text = text_of(fresh.results.value)
    assert "Résultat déficitaire en 2025 : -8 500 €." in text
    if mine < 0:
        assert f"Trésorerie négative au 31/12/2028 : {in_2028[header[2]]}." in text
    assert "recommand" not in text.lower() and "conseil" not in text.lower()
    assert fresh.chart.value[:4] == b"\x89PNG"
    assert fresh.modified is not None


def test_an_investment_with_a_subsidy_and_a_loan(fresh: EprdForm):
    row = fresh.investment_rows[0]
    row.label.value = "Troisième véhicule"
    row.amount.value = "30 000"
    row.grant.value = "10 000 €"
    row.duration.value = "5"
    fresh.loan_fields[2025].value = "20 000"
    fresh.compute_button.click()
    crpp, caf, tfp, balance = (rows_of(t) for t in tables(fresh.results.value)[:4])
    # dotation 30 000 / 5 = 6 000 (groupe III) ; résultat 1 500 − 6 000 = −4 500
    assert crpp["Charges – groupe III (Charges afférentes à la structure)"][1] == "60 500 €"
    assert crpp["Résultat (produits − charges)"] == ["1 500 €", "-4 500 €", "-6 000 €"]
    # CAF unchanged: the dotation is added back
    assert caf["Capacité d'autofinancement (CAF)"] == ["14 000 €", "14 000 €", "0 €"]
    # emplois 48 000 + 30 000 = 78 000 ; ressources 47 000 + 20 000 + 10 000 = 77 000
    assert tfp["Total des emplois"] == ["48 000 €", "78 000 €", "+30 000 €"]
    assert tfp["Total des ressources"] == ["47 000 €", "77 000 €", "+30 000 €"]
    assert balance["Trésorerie au 31/12/2025 (FRNG − BFR)"][:2] == ["43 100 €", "43 100 €"]


def test_the_pgfp_table_shows_only_the_columns_a_trainee_reads(fresh: EprdForm):
    plan = tables(fresh.results.value)[4]
    assert plan[0] == [
        "Année",
        "Trésorerie 31/12 (déposé)",
        "Trésorerie 31/12 (vos mesures)",
        "FRNG 31/12",
        "Résultat",
        "CAF",
        "Investissements",
        "Nouveaux emprunts",
        "Remboursements",
        "Dette 31/12",
    ]
    # No header longer than 30 characters: the table fits about 1 050 px.
    assert max(len(h) for h in plan[0]) <= 30
    # Filed EPRD, 2025: trésorerie 43 100, FRNG 89 000, résultat 1 500, CAF 14 000.
    assert plan[1][:6] == ["2025", "43 100 €", "43 100 €", "89 000 €", "1 500 €", "14 000 €"]
    # Every table sits in its own scrolling box, directly around it.
    root = ET.fromstring(f"<div>{fresh.results.value}</div>")
    for table in root.iter("table"):
        boxes = [d for d in root.iter("div") if table in list(d.iter("table"))]
        assert "overflow-x:auto" in (boxes[-1].get("style") or "")
        assert len(list(boxes[-1].iter("table"))) == 1
    assert any("min-width:100%" in (d.get("style") or "") for d in root.iter("div"))


def test_investment_controls_show_their_whole_label_and_value(fresh: EprdForm):
    row = fresh.investment_rows[0]
    for control in (row.year, row.label, row.amount, row.grant, row.duration):
        assert control.style.description_width == "initial"
    # The dropdown is wide enough for « Année » and « 2025 »; the duration for its label.
    assert float(row.year.layout.width.removesuffix("em")) >= 11
    assert float(row.duration.layout.width.removesuffix("em")) >= 22
    # Two lines, each at most 60em (≈ 780 px at 13 px): the row fits 1 050 px.
    first, second = row.children
    assert list(first.children) == [row.year, row.label]
    assert list(second.children) == [row.amount, row.grant, row.duration]
    for line in row.children:
        assert sum(float(c.layout.width.removesuffix("em")) for c in line.children) <= 60


def test_an_unreadable_number_is_refused_in_french(fresh: EprdForm):
    shown = fresh.results.value
    fresh.charges_fields["II"].value = "10 000,5,0"
    # Refused as soon as it is typed (Entrée), under the fields, before any click;
    # the last results stay shown.
    text = text_of(fresh.status.value)
    assert "Montant non lu" in text and "Charges, groupe II" in text and "10 000,5,0" in text
    assert "derniers montants calculés" in text
    assert fresh.results.value == shown
    fresh.compute_button.click()
    assert "Montant non lu" in text_of(fresh.status.value)
    assert fresh.results.value == shown
    assert fresh.modified is not None
    # Corrected, « Calculer » recomputes: résultat 1 500 − 10 000 = −8 500.
    fresh.charges_fields["II"].value = "10 000"
    assert "Montant non lu" not in text_of(fresh.status.value)
    fresh.compute_button.click()
    assert fresh.status.value == ""
    crpp = rows_of(tables(fresh.results.value)[0])
    assert crpp["Résultat (produits − charges)"][1] == "-8 500 €"


def test_a_refused_measure_shows_the_model_s_french_message(fresh: EprdForm):
    # Groupe I of the charges is 28 000: −30 000 would leave −2 000.
    fresh.charges_fields["I"].value = "-30 000"
    fresh.compute_button.click()
    text = text_of(fresh.status.value)
    assert "Mesure refusée" in text and "groupe I" in text and "négatif" in text
    # The filed EPRD's figures stay shown: résultat 1 500 in both columns.
    crpp = rows_of(tables(fresh.results.value)[0])
    assert crpp["Résultat (produits − charges)"] == ["1 500 €", "1 500 €", "0 €"]
    fresh.charges_fields["I"].value = ""
    row = fresh.investment_rows[1]
    row.amount.value = "8 000"
    fresh.compute_button.click()
    text = text_of(fresh.status.value)
    assert "Investissement n°2 : la durée d'amortissement manque" in text
