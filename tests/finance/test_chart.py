"""The chart of accounts as data and the dated thresholds of the ratios."""

import pytest
import yaml

from cpts_training.errors import DataError
from cpts_training.finance import chart_table, diagnosis_table, ratios, rubric_of
from cpts_training.finance.analysis import THRESHOLD_PARAMETERS
from cpts_training.finance.chart import CHART_FILE, load_chart
from cpts_training.reference import load_parameter
from tests.finance.helpers import make_tb


def test_longest_prefix_wins():
    assert rubric_of("1068", 2025).poste == "Réserves"
    assert rubric_of("1068", 2025).masse == "financement_exploitation"
    assert rubric_of("102", 2025).masse == "financement_investissement"
    assert rubric_of("165", 2025).masse == "financement_exploitation"
    assert rubric_of("5191", 2025).cote == "passif"
    assert rubric_of("512", 2025).cote == "selon_solde"
    assert rubric_of("4861", 2025).poste == "Charges constatées d'avance"
    assert rubric_of("6866", 2025).section == "financier"
    assert rubric_of("6411", 2025).cote == "charge"


def test_entries_follow_the_2025_reform():
    assert rubric_of("675", 2024).section == "exceptionnel"
    assert rubric_of("657", 2025).libelle == "Valeur comptable des immobilisations cédées"
    assert rubric_of("7471", 2025).libelle.startswith("Quote-part des subventions")
    assert rubric_of("7471", 2024).libelle == "Subventions d'exploitation"
    assert "79" in set(chart_table(2024)["prefixe"])
    assert "79" not in set(chart_table(2025)["prefixe"])


def test_credit_balance_of_a_bank_is_a_bank_overdraft():
    from cpts_training.finance import financial_balance

    tb = make_tb({"512": (0, 300), "641": (1300, 0), "741": (0, 1000)})
    fb = financial_balance(tb, 2025)
    assert fb.concours_bancaires_eur == 300 and fb.tresorerie_eur == -300
    reading = diagnosis_table(ratios(tb, 2025)).set_index("indicateur")
    assert reading.loc["Trésorerie en jours de charges", "signal"] == "❌"
    assert reading.loc["Taux de CAF", "signal"] == "❌"


def test_a_broken_chart_is_refused(tmp_path):
    raw = yaml.safe_load(CHART_FILE.read_text(encoding="utf-8"))
    raw["comptes"].append(dict(raw["comptes"][0]))
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="le préfixe 10 figure déjà"):
        load_chart(path)
    raw["comptes"][-1] = {"prefixe": "21", "libelle": "X", "etat": "bilan", "verified": True}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="« cote », « poste » et « masse »"):
        load_chart(path)


def test_every_entry_says_whether_it_was_checked():
    entries = load_chart()
    assert all(isinstance(e.verified, bool) for e in entries)
    assert any(not e.verified for e in entries)


@pytest.mark.parametrize("name", sorted(THRESHOLD_PARAMETERS.values()))
def test_thresholds_are_dated_sourced_parameters(name):
    parameter = load_parameter(name)
    assert parameter.metadata.reference
    assert parameter.values
    if name.endswith("independance_financiere"):
        assert parameter.verified and parameter.value_at("2025-12-31") == 0.5
    else:
        assert not parameter.verified


def test_the_chart_names_traceable_sources(tmp_path):
    raw = yaml.safe_load(CHART_FILE.read_text(encoding="utf-8"))
    labels = " ".join(ref["label"] for ref in raw["metadata"]["reference"])
    assert "2018-06" in labels and "2022-06" in labels
    raw["metadata"]["reference"][0].pop("title")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="source n° 1"):
        load_chart(path)
