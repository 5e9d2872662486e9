"""ACI funding of the case study, computed by hand, plus rules and bad inputs.

Case study (fictional): CPTS de la Vallée de l'Aubrenne, taille 2, signed 01/04/2024.
Contract year 1 = 01/04/2024 → 31/03/2025, year 2 = 01/04/2025 → 31/03/2026.
Annual envelopes (reference table, taille 2):
  fonctionnement 60 000
  accès aux soins       fixe 17 500, variable 17 500 + 12 000 (SNP) = 29 500, from 01/10/2024
  parcours              fixe 26 250, variable 26 250, from 01/04/2025
  prévention            fixe 15 000, variable 15 000, from 01/04/2025
  crises sanitaires     fixe 30 000, variable 30 000, from 01/10/2024
Planned achievement: year 1 accès 0.8, crises 0.5; year 2 accès 0.8, parcours 0.6,
prévention 0.8, crises 0.5.
"""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_training.budget.aci import (
    NATURE_ADVANCE,
    NATURE_BALANCE,
    NATURE_FONCTIONNEMENT,
    NATURE_VARIABLE,
    SCHEDULE_COLUMNS,
    AciContract,
    AciMission,
    aci_size,
    advance_nature,
    annual_funding,
    calendar_year_funding,
    deployment_deadlines,
    payment_schedule,
    payments_in_year,
    reference_ceiling,
)
from cpts_training.budget.case_study import load_achievement, load_contract
from cpts_training.errors import InputError
from cpts_training.reference import load_parameter

STARTS = {
    "acces_aux_soins": "2024-10-01",
    "parcours_pluriprofessionnels": "2025-04-01",
    "prevention": "2025-04-01",
    "crises_sanitaires_graves": "2024-10-01",
}
PLANNED = {
    1: {"acces_aux_soins": 0.8, "crises_sanitaires_graves": 0.5},
    2: {
        "acces_aux_soins": 0.8,
        "parcours_pluriprofessionnels": 0.6,
        "prevention": 0.8,
        "crises_sanitaires_graves": 0.5,
    },
    3: {
        "acces_aux_soins": 0.8,
        "parcours_pluriprofessionnels": 0.7,
        "prevention": 0.8,
        "crises_sanitaires_graves": 0.5,
    },
}


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def contract() -> AciContract:
    return load_contract()


def by_mission(frame, column):
    return dict(zip(frame["mission"], frame[column], strict=True))


def test_case_contract_matches_the_reference_table(contract):
    reference = AciContract.from_reference(2, "2024-04-01", STARTS)
    assert reference.fonctionnement_annual_eur == contract.fonctionnement_annual_eur == 60000
    for mission in contract.missions:
        ref = reference.mission(mission.id)
        assert (ref.fixed_annual_eur, ref.variable_annual_eur) == (
            mission.fixed_annual_eur,
            mission.variable_annual_eur,
        )
        assert ref.start_date == mission.start_date
    assert reference.amounts_note == "montant indicatif — à vérifier dans votre contrat"
    assert load_achievement() == PLANNED


def test_population_of_the_case_gives_size_2():
    # 40 000 <= 52 886 < 80 000
    assert aci_size(52886) == 2
    assert aci_size(39999) == 1
    assert aci_size(40000) == 2
    assert aci_size(80000) == 3
    assert aci_size(175001) == 4
    assert reference_ceiling(2) == 287000


def test_reference_ceiling_follows_avenant_2_for_size_4():
    # 2019 text: 450 000 for size 4; avenant 2 (JO of 31/03/2022): 580 000, unconfirmed.
    assert reference_ceiling(4) == 450000
    assert reference_ceiling(4, "2022-03-30") == 450000
    assert reference_ceiling(4, "2024-01-01") == 580000
    assert not load_parameter("aci/plafond_annuel").verified_at("2024-01-01")
    # Sizes 1 to 3 keep their 2019 maxima.
    assert [reference_ceiling(k, "2024-01-01") for k in (1, 2, 3)] == [220000, 287000, 370000]


def test_contract_year_1_funding_by_hand(contract):
    funding = annual_funding(contract, 1, PLANNED[1])
    # Accès and crises start on 01/10/2024: 6 months to the anniversary 01/04/2025.
    # Parcours and prévention start on 01/04/2025, i.e. in year 2: 0 month in year 1.
    assert by_mission(funding, "mois_prorata") == {
        "fonctionnement": 12,
        "acces_aux_soins": 6,
        "parcours_pluriprofessionnels": 0,
        "prevention": 0,
        "crises_sanitaires_graves": 6,
    }
    # accès: fixe 17 500 × 6/12 = 8 750 ; variable 29 500 × 6/12 × 0.8 = 11 800 → 20 550
    # crises: fixe 30 000 × 6/12 = 15 000 ; variable 30 000 × 6/12 × 0.5 = 7 500 → 22 500
    assert by_mission(funding, "total_eur") == {
        "fonctionnement": 60000,
        "acces_aux_soins": 20550,
        "parcours_pluriprofessionnels": 0,
        "prevention": 0,
        "crises_sanitaires_graves": 22500,
    }
    assert by_mission(funding, "part_fixe_eur")["acces_aux_soins"] == 8750
    assert by_mission(funding, "part_variable_eur")["acces_aux_soins"] == 11800
    # 60 000 + 20 550 + 22 500 = 103 050
    assert funding["total_eur"].sum() == 103050


def test_contract_year_2_funding_by_hand(contract):
    funding = annual_funding(contract, 2, PLANNED[2])
    # Every mission runs the full year 2 (12 months).
    # accès 17 500 + 29 500 × 0.8 = 17 500 + 23 600 = 41 100
    # parcours 26 250 + 26 250 × 0.6 = 26 250 + 15 750 = 42 000
    # prévention 15 000 + 15 000 × 0.8 = 15 000 + 12 000 = 27 000
    # crises 30 000 + 30 000 × 0.5 = 30 000 + 15 000 = 45 000
    assert by_mission(funding, "total_eur") == {
        "fonctionnement": 60000,
        "acces_aux_soins": 41100,
        "parcours_pluriprofessionnels": 42000,
        "prevention": 27000,
        "crises_sanitaires_graves": 45000,
    }
    # 60 000 + 41 100 + 42 000 + 27 000 + 45 000 = 215 100
    assert funding["total_eur"].sum() == 215100


def test_civil_year_2025_funding_by_hand(contract):
    funding = calendar_year_funding(contract, 2025, PLANNED)
    # Jan–Mar 2025 = 3 of the 6 running months of year 1; Apr–Dec = 9 of 12 of year 2.
    # fonctionnement 60 000 × 3/12 + 60 000 × 9/12 = 15 000 + 45 000 = 60 000
    # accès 20 550 × 3/6 + 41 100 × 9/12 = 10 275 + 30 825 = 41 100
    # parcours 42 000 × 9/12 = 31 500 ; prévention 27 000 × 9/12 = 20 250
    # crises 22 500 × 3/6 + 45 000 × 9/12 = 11 250 + 33 750 = 45 000
    assert by_mission(funding, "total_eur") == {
        "fonctionnement": 60000,
        "acces_aux_soins": 41100,
        "parcours_pluriprofessionnels": 31500,
        "prevention": 20250,
        "crises_sanitaires_graves": 45000,
    }
    # 60 000 + 41 100 + 31 500 + 20 250 + 45 000 = 197 850
    assert funding["total_eur"].sum() == 197850


def test_payment_schedule_by_hand(contract):
    schedule = payment_schedule(contract, PLANNED, years=[1, 2])
    by_date = schedule.groupby(schedule["date"].dt.date)["montant_eur"].sum().to_dict()
    # 01/04/2024: fonctionnement advance 75 % × 60 000 = 45 000
    # 01/10/2024: accès 75 % × 8 750 = 6 562.50 ; crises 75 % × 15 000 = 11 250
    #             → 17 812.50
    # 01/04/2025 (1st anniversary):
    #   balances of year 1: fonctionnement 15 000 ; accès 8 750 − 6 562.50 = 2 187.50 ;
    #   crises 15 000 − 11 250 = 3 750
    #   advances of year 2: fonctionnement 45 000 ; accès 13 125 ; crises 22 500 ;
    #   parcours 75 % × 26 250 = 19 687.50 ; prévention 75 % × 15 000 = 11 250
    #   → 15 000 + 2 187.50 + 3 750 + 45 000 + 13 125 + 22 500
    #     + 19 687.50 + 11 250 = 132 500
    # 01/10/2025 (6 months later, parameter decalage_part_variable_mois): variable parts
    #   of year 1: 11 800 + 7 500 = 19 300
    # 01/04/2026: balances of year 2: 15 000 + 4 375 + 6 562.50 + 3 750 + 7 500 = 37 187.50
    # 01/10/2026: variable parts of year 2: 23 600 + 15 750 + 12 000 + 15 000 = 66 350
    assert by_date == {
        dt.date(2024, 4, 1): 45000,
        dt.date(2024, 10, 1): 17812.5,
        dt.date(2025, 4, 1): 132500,
        dt.date(2025, 10, 1): 19300,
        dt.date(2026, 4, 1): 37187.5,
        dt.date(2026, 10, 1): 66350,
    }
    first_advance = schedule[
        (schedule["mission"] == "acces_aux_soins") & (schedule["nature"] == NATURE_ADVANCE)
    ].iloc[0]
    assert first_advance["date"].date() == dt.date(2024, 10, 1)
    assert first_advance["montant_eur"] == 6562.5
    assert set(schedule["nature"]) == {
        NATURE_ADVANCE,
        NATURE_BALANCE,
        NATURE_VARIABLE,
        NATURE_FONCTIONNEMENT,
    }
    assert NATURE_ADVANCE == "avance 75 %"


def test_payments_in_2025_by_hand(contract):
    schedule = payment_schedule(contract, PLANNED)
    paid = payments_in_year(schedule, 2025)
    # 2025 payments (see the test above): on the first anniversary, 01/04/2025,
    #   year 1: fonctionnement balance 15 000 ; accès balance 2 187.50 ; crises balance 3 750
    #   year 2: fonctionnement advance 45 000 ; accès 13 125 ; parcours 19 687.50 ;
    #           prévention 11 250 ; crises 22 500
    # then on 01/10/2025 the variable parts of year 1: accès 11 800 ; crises 7 500
    #   total 132 500 + 19 300 = 151 800
    assert list(paid.columns) == list(SCHEDULE_COLUMNS)
    assert list(paid.index) == list(range(10))
    assert set(paid["date"].dt.date) == {dt.date(2025, 4, 1), dt.date(2025, 10, 1)}
    assert list(paid["montant_eur"]) == [
        15000,
        2187.5,
        3750,
        45000,
        13125,
        19687.5,
        11250,
        22500,
        11800,
        7500,
    ]
    assert paid["montant_eur"].sum() == 151800
    assert list(paid["annee_contrat"]) == [1] * 3 + [2] * 5 + [1] * 2
    # The rows are those of the schedule, unchanged.
    in_2025 = schedule[schedule["date"].dt.year == 2025]
    assert paid.equals(in_2025.reset_index(drop=True))


def test_payments_in_a_year_without_payment_is_empty(contract):
    schedule = payment_schedule(contract, PLANNED)
    empty = payments_in_year(schedule, 2023)
    assert empty.empty
    assert list(empty.columns) == list(SCHEDULE_COLUMNS)
    # 2024: 45 000 on 01/04/2024 and 17 812.50 on 01/10/2024.
    assert payments_in_year(schedule, 2024)["montant_eur"].sum() == 62812.5


def test_payments_in_year_accepts_python_dates_and_refuses_bad_input(contract):
    schedule = payment_schedule(contract, PLANNED, years=[1])
    as_dates = schedule.assign(date=schedule["date"].dt.date)
    assert payments_in_year(as_dates, 2025)["montant_eur"].sum() == 40237.5
    with pytest.raises(InputError, match="année civile"):
        payments_in_year(schedule, "2025")
    with pytest.raises(InputError, match="colonne « date »"):
        payments_in_year(schedule.drop(columns="date"), 2025)
    with pytest.raises(InputError) as err:
        payments_in_year(as_dates.assign(date="bientôt"), 2025)
    assert err.value.args[0].startswith("La date du versement n° 1 vaut « bientôt »")


def test_advance_label_comes_from_the_rate_parameter(contract):
    rate = load_parameter("aci/versement/taux_avance_part_fixe").value_at(contract.signature_date)
    assert rate == 0.75
    assert advance_nature(contract.signature_date) == NATURE_ADVANCE == "avance 75 %"
    schedule = payment_schedule(contract, PLANNED)
    assert advance_nature(contract.signature_date) in set(schedule["nature"])


def test_balance_delay_moves_balances_and_variable_parts_only(contract):
    schedule = payment_schedule(
        contract, PLANNED, years=[1], balance_delay_months=3, variable_delay_months=0
    )
    late = schedule[schedule["date"].dt.date == dt.date(2025, 7, 1)]
    # Year 1 balances and variable parts: 15 000 + 2 187.50 + 3 750 + 11 800 + 7 500
    assert late["montant_eur"].sum() == 40237.5
    assert set(late["nature"]) == {NATURE_FONCTIONNEMENT, NATURE_BALANCE, NATURE_VARIABLE}
    # Default variable delay (6 months): balances 15 000 + 2 187.50 + 3 750 = 20 937.50 on
    # 01/07/2025, variable parts 11 800 + 7 500 = 19 300 on 01/01/2026.
    default = payment_schedule(contract, PLANNED, years=[1], balance_delay_months=3)
    by_date = default.groupby(default["date"].dt.date)["montant_eur"].sum()
    assert by_date[dt.date(2025, 7, 1)] == 20937.5
    assert by_date[dt.date(2026, 1, 1)] == 19300
    assert schedule[schedule["nature"] == NATURE_ADVANCE]["date"].dt.date.min() == dt.date(
        2024, 10, 1
    )


def test_deployment_calendar_of_the_case_is_respected(contract):
    deadlines = deployment_deadlines(contract)
    assert deadlines["dans_les_delais"].all()
    row = deadlines.set_index("mission").loc["parcours_pluriprofessionnels"]
    assert row["demarrage_au_plus_tard"] == dt.date(2025, 4, 1)


# --- bad inputs -------------------------------------------------------------------------


def mission(**changes):
    values = {
        "id": "prevention",
        "label": "Prévention",
        "start_date": "2025-04-01",
        "fixed_annual_eur": 15000,
        "variable_annual_eur": 15000,
    }
    values.update(changes)
    return AciMission(**values)


def test_negative_amount_is_refused():
    with pytest.raises(InputError) as err:
        mission(fixed_annual_eur=-100)
    assert "négatif" in plain(err.value.args[0])
    with pytest.raises(InputError, match="négatif"):
        AciContract(2, "2024-04-01", -1)


def test_size_outside_1_to_4_is_refused():
    with pytest.raises(InputError) as err:
        AciContract(5, "2024-04-01", 60000)
    assert "1, 2, 3 ou 4" in err.value.args[0]
    with pytest.raises(InputError):
        AciContract.from_reference(0, "2024-04-01")


def test_mission_start_before_signature_or_after_the_contract_is_refused():
    with pytest.raises(InputError) as err:
        AciContract(2, "2024-04-01", 60000, (mission(start_date="2024-03-01"),))
    assert "avant la signature" in err.value.args[0]
    assert "01/04/2024" in err.value.args[0]
    with pytest.raises(InputError) as err:
        AciContract(2, "2024-04-01", 60000, (mission(start_date="2029-04-01"),))
    assert "après la fin du contrat" in err.value.args[0]
    assert "31/03/2029" in err.value.args[0]


def test_unknown_mission_id_is_refused(contract):
    with pytest.raises(InputError) as err:
        AciContract.from_reference(2, "2024-04-01", {"telemedecine": "2024-10-01"})
    assert "Mission inconnue" in err.value.args[0]
    assert "prevention" in err.value.args[0]
    with pytest.raises(InputError, match="Mission inconnue"):
        annual_funding(contract, 1, {"telemedecine": 0.5})


def test_achievement_above_100_percent_is_refused_not_clipped(contract):
    with pytest.raises(InputError) as err:
        annual_funding(contract, 2, {"acces_aux_soins": 1.2})
    message = plain(err.value.args[0])
    assert "1,2 (120 %)" in message
    assert "dépasse 100 %" in message
    assert "entre 0 et 1" in message
    with pytest.raises(InputError, match="négatif"):
        payment_schedule(contract, {2: {"prevention": -0.1}})


def test_contract_year_outside_the_contract_is_refused(contract):
    with pytest.raises(InputError, match="entre 1 et 5"):
        annual_funding(contract, 6)


# --- properties -------------------------------------------------------------------------

MISSION_IDS = ("acces_aux_soins", "parcours_pluriprofessionnels", "prevention")


@st.composite
def contracts(draw):
    size = draw(st.integers(1, 4))
    signature = draw(st.dates(dt.date(2022, 4, 1), dt.date(2030, 12, 31)))
    chosen = draw(st.lists(st.sampled_from(MISSION_IDS), min_size=1, max_size=3, unique=True))
    starts = {m: signature + dt.timedelta(days=draw(st.integers(0, 5 * 365 - 2))) for m in chosen}
    return AciContract.from_reference(size, signature, starts)


rates = st.floats(0, 1, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(contracts(), st.integers(1, 5), st.data())
def test_prorata_months_between_0_and_12(contract, year, data):
    for mission_id in contract.mission_ids:
        assert 0 <= contract.prorata_months(mission_id, year) <= 12


@settings(max_examples=40, deadline=None)
@given(contracts(), st.data())
def test_payments_never_exceed_the_envelopes(contract, data):
    achievement = {
        year: {m: data.draw(rates) for m in contract.mission_ids}
        for year in contract.contract_years
    }
    schedule = payment_schedule(contract, achievement)
    assert (schedule["montant_eur"] > 0).all()
    paid = schedule.groupby(["annee_contrat", "mission"])["montant_eur"].sum()
    for (year, mission_id), amount in paid.items():
        if mission_id == "fonctionnement":
            assert amount == pytest.approx(contract.fonctionnement_annual_eur)
            continue
        m = contract.mission(mission_id)
        months = contract.prorata_months(mission_id, year)
        assert amount <= (m.fixed_annual_eur + m.variable_annual_eur) * months / 12 + 0.02
        assert amount <= m.fixed_annual_eur + m.variable_annual_eur + 0.02


@settings(max_examples=40, deadline=None)
@given(contracts(), st.integers(1, 5))
def test_achievement_0_gives_no_variable_part_and_1_gives_all_of_it(contract, year):
    none = annual_funding(contract, year, dict.fromkeys(contract.mission_ids, 0.0))
    assert (none["part_variable_eur"] == 0).all()
    full = annual_funding(contract, year, dict.fromkeys(contract.mission_ids, 1.0))
    assert (full["part_variable_eur"] == full["part_variable_max_eur"]).all()
    for row in full.itertuples():
        if row.mission == "fonctionnement":
            continue
        envelope = contract.mission(row.mission).variable_annual_eur
        assert row.part_variable_eur == pytest.approx(envelope * row.mois_prorata / 12, abs=0.01)
