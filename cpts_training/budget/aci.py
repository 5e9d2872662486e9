"""ACI funding of a CPTS: the contract, the funding of a contract year and the payments.

The ACI CPTS (accord conventionnel interprofessionnel, 2019, avenant 2 of 2022) funds a
CPTS through a tripartite contract (CPTS, CPAM, ARS) of five years with two streams
(Sénat, rapport r25-032, 2025):

- **fonctionnement**: a fixed annual amount paid from the signature, before the
  missions start;
- a budget **per mission**, made of a **fixed part** (paid from the start of the mission)
  and a **variable part** (paid according to the achievement of the contract's
  indicators, assessed each year).

Contract years run from one anniversary of the signature to the next: year 1 is
[signature, signature + 12 months), year 2 the next twelve months, and so on.

In the first contract year of a mission, its envelopes are paid *pro rata* of the months
from its start to the next anniversary (:func:`annual_funding`, column
``mois_prorata``). Payment rules (:func:`payment_schedule`): when a mission starts, 75 %
of its pro-rated fixed part is paid; at each anniversary the CPTS receives the balance of
the year just ended and 75 % of the new year's fixed part. The variable part is paid
after the assessment of the indicators, by default 6 months after the anniversary (a
modelling assumption, see :func:`payment_schedule`).

The LFSS 2026 (loi n° 2025-1403 of 30/12/2025, art. 63) asks the UNCAM to negotiate an
avenant to the ACI CPTS in 2026: amounts and missions may change, and the trainee's own
signed contract prevails over every figure shipped here.

The amounts of a real CPTS are those of its signed contract: :class:`AciContract` takes
them as inputs. :meth:`AciContract.from_reference` only fills them from the reference
table shipped with the package, whose per-mission amounts are unconfirmed
(``verified: false``, see ``data/parametres/aci/``).

Achievement rates are fractions between 0 and 1 (0.85 means 85 %).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, SupportsInt, cast

import pandas as pd

from cpts_training.budget._common import (
    add_months,
    cents,
    fr_date,
    months_between,
    require_amount,
    require_rate,
    require_whole,
    to_date,
)
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_decimal_fr, format_number_fr, format_percent
from cpts_training.reference import learner_label, load_parameter

FONCTIONNEMENT = "fonctionnement"
"""Identifier used for the fonctionnement stream in funding tables and schedules."""

FONCTIONNEMENT_LABEL = "Fonctionnement de la CPTS"

_ADVANCE_RATE = "aci/versement/taux_avance_part_fixe"


def advance_nature(at: dt.date | str | None = None) -> str:
    """Nature of an advance on a mission's fixed part, quoting the advance rate.

    The rate is the parameter ``aci/versement/taux_avance_part_fixe`` in force on ``at``
    (the signature date of a contract), or its latest value when ``at`` is ``None``:
    « avance 75 % ». :func:`payment_schedule` labels its advances with it.
    """
    parameter = load_parameter(_ADVANCE_RATE)
    rate = parameter.values[-1].value if at is None else parameter.value_at(at)
    return _advance_label(float(rate))


def _advance_label(rate: float) -> str:
    return f"avance {format_decimal_fr(rate * 100)} %"


NATURE_ADVANCE = advance_nature()
"""Nature of an advance on a mission's fixed part at the latest advance rate
(« avance 75 % »); see :func:`advance_nature` for the rate in force on a date."""
NATURE_BALANCE = "solde part fixe"
"""Nature of the balance of a mission's fixed part, paid at the anniversary."""
NATURE_VARIABLE = "part variable"
"""Nature of a variable-part payment."""
NATURE_FONCTIONNEMENT = "fonctionnement"
"""Nature of a fonctionnement payment (advance or balance, see the ``libelle`` column)."""

SIZES = (1, 2, 3, 4)

FUNDING_COLUMNS = (
    "mission",
    "libelle",
    "mois_prorata",
    "part_fixe_eur",
    "part_variable_max_eur",
    "taux_atteinte",
    "part_variable_eur",
    "total_eur",
)
"""Columns of :func:`annual_funding`."""

SCHEDULE_COLUMNS = (
    "date",
    "annee_contrat",
    "mission",
    "libelle_mission",
    "nature",
    "libelle",
    "montant_eur",
)
"""Columns of :func:`payment_schedule`."""

CALENDAR_COLUMNS = ("mission", "libelle", "part_fixe_eur", "part_variable_eur", "total_eur")
"""Columns of :func:`calendar_year_funding`."""

_MISSION_PARAMETER = "aci/missions/{}"
_CATALOGUE = "aci/missions/catalogue"
_CALENDAR = "aci/missions/calendrier_deploiement"


@dataclass(frozen=True)
class AciMission:
    """One mission of an ACI contract, with its annual envelopes in euros.

    ``fixed_annual_eur`` and ``variable_annual_eur`` are the amounts of a full contract
    year; the variable envelope is the amount paid at 100 % achievement.
    """

    id: str
    label: str
    start_date: dt.date
    fixed_annual_eur: float
    variable_annual_eur: float
    optional: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError("Chaque mission doit avoir un identifiant (par exemple prevention).")
        if not isinstance(self.label, str) or not self.label.strip():
            raise InputError(f"La mission « {self.id} » doit avoir un libellé en français.")
        start = to_date(self.start_date, f"La date de démarrage de la mission « {self.id} »")
        object.__setattr__(self, "start_date", start)
        fixed = require_amount(self.fixed_annual_eur, f"La part fixe annuelle de « {self.label} »")
        variable = require_amount(
            self.variable_annual_eur, f"La part variable annuelle de « {self.label} »"
        )
        object.__setattr__(self, "fixed_annual_eur", fixed)
        object.__setattr__(self, "variable_annual_eur", variable)
        object.__setattr__(self, "optional", bool(self.optional))


@dataclass(frozen=True)
class AciContract:
    """A CPTS's ACI contract: size, signature date, fonctionnement and missions.

    Raises :class:`InputError` (French) for a size outside 1–4, a negative amount, a
    duplicated or unknown mission, or a mission that starts before the signature or
    after the end of the contract (five years, parameter ``aci/duree_contrat_mois``).
    ``amounts_note`` is shown to trainees next to the amounts (for instance « montant
    indicatif — à vérifier dans votre contrat » when they come from the reference table).
    """

    size: int
    signature_date: dt.date
    fonctionnement_annual_eur: float
    missions: tuple[AciMission, ...] = ()
    name: str = ""
    amounts_note: str = ""
    duration_months: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", _require_size(self.size))
        signature = to_date(self.signature_date, "La date de signature du contrat ACI")
        object.__setattr__(self, "signature_date", signature)
        fonctionnement = require_amount(
            self.fonctionnement_annual_eur, "Le financement annuel du fonctionnement"
        )
        object.__setattr__(self, "fonctionnement_annual_eur", fonctionnement)
        duration = int(load_parameter("aci/duree_contrat_mois").value_at(signature))
        object.__setattr__(self, "duration_months", duration)
        missions = tuple(self.missions)
        known = known_mission_ids()
        seen: set[str] = set()
        for mission in missions:
            if not isinstance(mission, AciMission):
                raise InputError(
                    "Les missions du contrat doivent être des AciMission "
                    "(identifiant, libellé, date de démarrage, part fixe, part variable)."
                )
            if mission.id not in known:
                raise InputError(
                    f"Mission inconnue : « {mission.id} ». Missions de l'ACI : "
                    f"{', '.join(sorted(known))}."
                )
            if mission.id in seen:
                raise InputError(
                    f"La mission « {mission.id} » apparaît deux fois dans le contrat : "
                    "gardez une seule ligne par mission."
                )
            seen.add(mission.id)
            self._require_start(mission)
        object.__setattr__(self, "missions", missions)

    def _require_start(self, mission: AciMission) -> None:
        end = self.end_date
        last_day = end - dt.timedelta(days=1)
        window = f"entre le {fr_date(self.signature_date)} et le {fr_date(last_day)}"
        if mission.start_date < self.signature_date:
            raise InputError(
                f"La mission « {mission.label} » démarre le {fr_date(mission.start_date)}, "
                f"avant la signature du contrat ({fr_date(self.signature_date)}). "
                f"Choisissez une date de démarrage {window}."
            )
        if mission.start_date >= end:
            raise InputError(
                f"La mission « {mission.label} » démarre le {fr_date(mission.start_date)}, "
                f"après la fin du contrat de {self.duration_months // 12} ans "
                f"({fr_date(last_day)}). Choisissez une date de démarrage {window}."
            )

    @classmethod
    def from_reference(
        cls,
        size: int,
        signature_date: dt.date | str,
        missions: Mapping[str, dt.date | str] | None = None,
        name: str = "",
    ) -> AciContract:
        """Contract whose amounts come from the reference parameters.

        ``missions`` maps mission ids to start dates. By default the four socle missions
        start at the latest date of the deployment calendar (parameter
        ``aci/missions/calendrier_deploiement``: accès aux soins and crises sanitaires
        graves 6 months after signature, parcours and prévention 12 months).

        Fonctionnement is read at the signature date; each mission's label and envelopes
        at its start date (so a mission created by avenant 2 can be added to an older
        contract). The variable envelope of accès aux soins includes the complement for
        soins non programmés. The reference per-mission table is unconfirmed: the
        contract's ``amounts_note`` then says « montant indicatif — à vérifier dans votre
        contrat ».
        """
        size = _require_size(size)
        signature = to_date(signature_date, "La date de signature du contrat ACI")
        key = f"taille_{size}"
        fonctionnement_param = load_parameter("aci/fonctionnement")
        fonctionnement = float(fonctionnement_param.value_at(signature)[key])
        notes = {learner_label(fonctionnement_param, signature)}
        if missions is None:
            missions = default_mission_starts(signature)
        built = []
        for mission_id, start in missions.items():
            start_day = to_date(start, f"La date de démarrage de la mission « {mission_id} »")
            info = _catalogue_entry(mission_id, start_day)
            parameter = load_parameter(_MISSION_PARAMETER.format(mission_id))
            amounts = parameter.value_at(start_day)
            variable = float(amounts["variable"][key])
            variable += float(amounts.get("complement_soins_non_programmes", {}).get(key, 0))
            notes.add(learner_label(parameter, start_day))
            built.append(
                AciMission(
                    id=mission_id,
                    label=info["libelle"],
                    start_date=start_day,
                    fixed_annual_eur=float(amounts["fixe"][key]),
                    variable_annual_eur=variable,
                    optional=info["categorie"] == "optionnelle",
                )
            )
        note = next((n for n in sorted(notes, reverse=True) if n), "")
        return cls(
            size=size,
            signature_date=signature,
            fonctionnement_annual_eur=fonctionnement,
            missions=tuple(built),
            name=name,
            amounts_note=note,
        )

    @property
    def end_date(self) -> dt.date:
        """First day after the contract (signature + duration)."""
        return add_months(self.signature_date, self.duration_months)

    @property
    def contract_years(self) -> tuple[int, ...]:
        """Contract years, 1 to 5."""
        return tuple(range(1, self.duration_months // 12 + 1))

    @property
    def mission_ids(self) -> tuple[str, ...]:
        """Identifiers of the contract's missions, in contract order."""
        return tuple(m.id for m in self.missions)

    def anniversary(self, k: int) -> dt.date:
        """Date of the k-th anniversary of the signature (k = 0 is the signature)."""
        return add_months(self.signature_date, 12 * k)

    def year_bounds(self, contract_year: int) -> tuple[dt.date, dt.date]:
        """Start (included) and end (excluded) of a contract year."""
        year = self.require_year(contract_year)
        return self.anniversary(year - 1), self.anniversary(year)

    def require_year(self, contract_year: Any) -> int:
        """Return ``contract_year`` if it is a year of the contract (1–5), else fail."""
        years = self.contract_years
        return require_whole(
            contract_year, "L'année de contrat", minimum=years[0], maximum=years[-1]
        )

    def mission(self, mission_id: str) -> AciMission:
        """The mission ``mission_id`` of the contract; fail in French if it is not there."""
        for mission in self.missions:
            if mission.id == mission_id:
                return mission
        raise InputError(
            f"Mission inconnue : « {mission_id} ». Missions de ce contrat : "
            f"{', '.join(self.mission_ids) or 'aucune'}."
        )

    def prorata_months(self, mission_id: str, contract_year: int) -> float:
        """Months of ``contract_year`` during which the mission is running (0 to 12).

        12 when the mission started before the year, 0 when it starts after, otherwise
        the months from its start to the anniversary (see :func:`months_between`).
        """
        start, end = self.year_bounds(contract_year)
        mission_start = self.mission(mission_id).start_date
        if mission_start <= start:
            return 12.0
        return months_between(mission_start, end)

    def to_frame(self) -> pd.DataFrame:
        """Missions of the contract: ``mission``, ``libelle``, ``optionnelle``, ``debut``,
        ``part_fixe_annuelle_eur``, ``part_variable_annuelle_eur``."""
        return pd.DataFrame(
            {
                "mission": [m.id for m in self.missions],
                "libelle": [m.label for m in self.missions],
                "optionnelle": [m.optional for m in self.missions],
                "debut": [m.start_date for m in self.missions],
                "part_fixe_annuelle_eur": [m.fixed_annual_eur for m in self.missions],
                "part_variable_annuelle_eur": [m.variable_annual_eur for m in self.missions],
            }
        )


def known_mission_ids() -> set[str]:
    """Every mission id that the ACI catalogue has ever listed."""
    catalogue = load_parameter(_CATALOGUE)
    return {mission_id for entry in catalogue.values for mission_id in entry.value}


def _catalogue_entry(mission_id: str, day: dt.date) -> Mapping[str, str]:
    catalogue = load_parameter(_CATALOGUE)
    missions = catalogue.value_at(day)
    if mission_id not in missions:
        if mission_id in known_mission_ids():
            raise InputError(
                f"La mission « {mission_id} » n'existe pas dans l'ACI au {fr_date(day)}. "
                f"Missions de l'ACI à cette date : {', '.join(missions)}."
            )
        raise InputError(
            f"Mission inconnue : « {mission_id} ». Missions de l'ACI : "
            f"{', '.join(sorted(known_mission_ids()))}."
        )
    return missions[mission_id]


def default_mission_starts(signature_date: dt.date | str) -> dict[str, dt.date]:
    """Latest start date of each socle mission (deployment calendar after signature)."""
    signature = to_date(signature_date, "La date de signature du contrat ACI")
    calendar_ = load_parameter(_CALENDAR).value_at(signature)
    catalogue = load_parameter(_CATALOGUE).value_at(signature)
    return {
        mission_id: add_months(signature, int(delays["demarrage_mois"]))
        for mission_id, delays in calendar_.items()
        if mission_id in catalogue
    }


def deployment_deadlines(contract: AciContract) -> pd.DataFrame:
    """Start of each mission compared with the deployment calendar of the ACI.

    Columns: ``mission``, ``libelle``, ``debut``, ``demarrage_au_plus_tard``,
    ``deploiement_complet_au_plus_tard``, ``dans_les_delais`` (bool; ``None`` for
    optional missions, whose calendar is left to the CPTS). Deadlines = signature +
    months of the parameter ``aci/missions/calendrier_deploiement``.
    """
    calendar_ = load_parameter(_CALENDAR).value_at(contract.signature_date)
    rows: list[tuple[str, str, dt.date, dt.date | None, dt.date | None, bool | None]] = []
    for mission in contract.missions:
        delays = calendar_.get(mission.id)
        if delays is None:
            rows.append((mission.id, mission.label, mission.start_date, None, None, None))
            continue
        latest_start = add_months(contract.signature_date, int(delays["demarrage_mois"]))
        full = add_months(contract.signature_date, int(delays["deploiement_mois"]))
        rows.append(
            (
                mission.id,
                mission.label,
                mission.start_date,
                latest_start,
                full,
                mission.start_date <= latest_start,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "mission",
            "libelle",
            "debut",
            "demarrage_au_plus_tard",
            "deploiement_complet_au_plus_tard",
            "dans_les_delais",
        ],
    )


def aci_size(population: float, at: dt.date | str = "2019-08-25") -> int:
    """ACI size (1–4) of a CPTS covering ``population`` inhabitants on date ``at``.

    Thresholds (parameter ``aci/seuils_population``, lower bound included): size 1
    below 40 000, size 2 from 40 000 to under 80 000, size 3 from 80 000 to 175 000,
    size 4 above 175 000.
    """
    if isinstance(population, bool) or not isinstance(population, numbers.Real):
        raise InputError(
            f"La population vaut « {population} », ce n'est pas un nombre d'habitants."
        )
    if math.isnan(float(population)) or population < 0:
        raise InputError(
            f"La population vaut {population} : saisissez un nombre d'habitants positif."
        )
    thresholds = load_parameter("aci/seuils_population").value_at(to_date(at, "La date"))
    size = 1
    for candidate in SIZES[1:]:
        if population >= thresholds[f"taille_{candidate}"]:
            size = candidate
    return size


def reference_ceiling(size: int, at: dt.date | str = "2019-08-25") -> float:
    """Maximum annual ACI funding of a size on date ``at`` (parameter ``aci/plafond_annuel``).

    2019 text: 220 000, 287 000, 370 000 and 450 000 euros for sizes 1 to 4; from
    avenant 2 (JO of 31/03/2022) the size-4 maximum is 580 000 euros, an unconfirmed
    value (``load_parameter("aci/plafond_annuel").verified_at(at)`` is then false).
    """
    size = _require_size(size)
    ceilings = load_parameter("aci/plafond_annuel").value_at(to_date(at, "La date"))
    return float(ceilings[f"taille_{size}"])


def annual_funding(
    contract: AciContract,
    contract_year: int,
    achievement: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Funding earned for one contract year, per mission, fonctionnement included.

    Formula, for each mission running ``m`` months of the year (``mois_prorata``,
    12 for a full year):

    - ``part_fixe_eur`` = annual fixed envelope × m / 12;
    - ``part_variable_max_eur`` = annual variable envelope × m / 12;
    - ``part_variable_eur`` = ``part_variable_max_eur`` × achievement rate;
    - ``total_eur`` = fixed + variable.

    The fonctionnement row (``mission`` = ``"fonctionnement"``) holds the annual
    fonctionnement amount as a fixed part, for the 12 months of every contract year.

    ``achievement`` maps mission ids to rates between 0 and 1 (0.85 for 85 %); a mission
    without a rate gets no variable part (rate 0). Source of the rules: Sénat, rapport
    r25-032 (2025). Amounts are rounded to the cent.
    """
    year = contract.require_year(contract_year)
    rates = _check_achievement(contract, achievement or {}, year)
    rows = [
        (
            FONCTIONNEMENT,
            FONCTIONNEMENT_LABEL,
            12.0,
            cents(contract.fonctionnement_annual_eur),
            0.0,
            math.nan,
            0.0,
            cents(contract.fonctionnement_annual_eur),
        )
    ]
    for mission in contract.missions:
        months = contract.prorata_months(mission.id, year)
        fixed = cents(mission.fixed_annual_eur * months / 12)
        variable_max = cents(mission.variable_annual_eur * months / 12)
        rate = rates.get(mission.id, 0.0)
        variable = cents(variable_max * rate)
        rows.append(
            (
                mission.id,
                mission.label,
                months,
                fixed,
                variable_max,
                rate,
                variable,
                cents(fixed + variable),
            )
        )
    return pd.DataFrame(rows, columns=list(FUNDING_COLUMNS))


def payment_schedule(
    contract: AciContract,
    achievement_by_year: Mapping[int, Mapping[str, float]] | None = None,
    years: Iterable[int] | None = None,
    balance_delay_months: int = 0,
    variable_delay_months: int | None = None,
) -> pd.DataFrame:
    """Dated ACI payments for the given contract years (default: all five).

    Rules (Sénat, rapport r25-032, 2025; rate: parameter
    ``aci/versement/taux_avance_part_fixe`` = 75 %):

    - when a mission starts, 75 % of its fixed part for the rest of the contract year
      (pro rata to the anniversary) is paid on its start date;
    - at each anniversary, the balance of the year just ended (fixed part due − advance)
      is paid together with 75 % of the new year's fixed part.

    Modelling assumptions, stated in the parameter files and configurable there:

    - fonctionnement (parameter ``aci/versement/taux_avance_fonctionnement``, 75 % by
      default, unconfirmed): an advance at the start of each contract year (the
      signature for year 1) and the balance at the anniversary that closes the year;
      set the parameter to 1 for a single payment at the start of the year;
    - variable part: assessed after the end of the contract year and paid
      ``variable_delay_months`` months after the balance; by default the parameter
      ``aci/versement/decalage_part_variable_mois`` (6 months, unconfirmed: practitioners
      report that CPAM and ARS advise treating it as a bonus paid months after the year
      ends); 0 pays it with the balance;
    - ``balance_delay_months`` postpones the balances and the variable parts (not the
      advances) by that many months after the anniversary, to model a late assessment.

    Columns: ``date``, ``annee_contrat`` (year whose funding is paid), ``mission``,
    ``libelle_mission``, ``nature`` (« avance 75 % », see :func:`advance_nature`;
    « solde part fixe », « part variable » or « fonctionnement »), ``libelle`` (French
    description) and
    ``montant_eur``. Zero payments are left out. For each mission and year, advance +
    balance = fixed part of :func:`annual_funding` and the variable payment = its
    variable part.
    """
    delay = require_whole(balance_delay_months, "Le retard du solde (en mois)", minimum=0)
    chosen = _require_years(contract, years)
    by_year = _check_achievement_by_year(contract, achievement_by_year)
    signature = contract.signature_date
    advance_rate = float(load_parameter(_ADVANCE_RATE).value_at(signature))
    fonct_rate = float(
        load_parameter("aci/versement/taux_avance_fonctionnement").value_at(signature)
    )
    if variable_delay_months is None:
        variable_shift = int(
            load_parameter("aci/versement/decalage_part_variable_mois").value_at(signature)
        )
    else:
        variable_shift = require_whole(
            variable_delay_months, "Le décalage de la part variable (en mois)", minimum=0
        )
    advance_label = _advance_label(advance_rate)
    order = {FONCTIONNEMENT: 0, **{m: i + 1 for i, m in enumerate(contract.mission_ids)}}
    rows: list[tuple] = []

    def pay(row: Any, year: int, day: dt.date, nature: str, label: str, amount: float) -> None:
        """One payment of ``row`` (a line of :func:`annual_funding`) for contract ``year``."""
        rows.append((day, year, row.mission, row.libelle, nature, label, amount))

    for year in chosen:
        start, end = contract.year_bounds(year)
        balance_date = add_months(end, delay)
        variable_date = add_months(balance_date, variable_shift)
        funding = annual_funding(contract, year, by_year.get(year, {}))
        row: Any  # a row of the table: its fields are not known statically
        for row in funding.itertuples(index=False):
            if row.mission == FONCTIONNEMENT:
                advance = cents(row.part_fixe_eur * fonct_rate)
                pay(
                    row,
                    year,
                    start,
                    NATURE_FONCTIONNEMENT,
                    f"Fonctionnement — avance {format_percent(fonct_rate)} (année {year})",
                    advance,
                )
                pay(
                    row,
                    year,
                    balance_date,
                    NATURE_FONCTIONNEMENT,
                    f"Fonctionnement — solde (année {year})",
                    cents(row.part_fixe_eur - advance),
                )
                continue
            if row.mois_prorata <= 0:
                continue
            mission_start = contract.mission(row.mission).start_date
            advance = cents(row.part_fixe_eur * advance_rate)
            prorata = format_number_fr(row.mois_prorata, 2).removesuffix(",00")
            pay(
                row,
                year,
                max(start, mission_start),
                advance_label,
                f"{row.libelle} — avance de la part fixe (année {year}, {prorata} mois)",
                advance,
            )
            pay(
                row,
                year,
                balance_date,
                NATURE_BALANCE,
                f"{row.libelle} — solde de la part fixe (année {year})",
                cents(row.part_fixe_eur - advance),
            )
            pay(
                row,
                year,
                variable_date,
                NATURE_VARIABLE,
                f"{row.libelle} — part variable (année {year}, "
                f"taux d'atteinte {format_percent(row.taux_atteinte)})",
                row.part_variable_eur,
            )
    nature_order = {
        NATURE_FONCTIONNEMENT: 0,
        advance_label: 1,
        NATURE_BALANCE: 2,
        NATURE_VARIABLE: 3,
    }
    rows = [r for r in rows if r[6] > 0]
    rows.sort(key=lambda r: (r[0], r[1], order[r[2]], nature_order[r[4]]))
    out = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    out["date"] = pd.to_datetime(out["date"])
    out["montant_eur"] = out["montant_eur"].astype(float)
    out["annee_contrat"] = out["annee_contrat"].astype(int)
    return out


def payments_in_year(schedule: pd.DataFrame, year: int) -> pd.DataFrame:
    """Payments of a :func:`payment_schedule` whose date falls in the civil ``year``.

    Returns the rows dated from 1 January to 31 December of ``year``, with the same
    columns as ``schedule``, in the same order, with a fresh index (0, 1, …). This is the
    cash received in the year (compare :func:`calendar_year_funding`, the product of the
    year). Raises :class:`InputError` (French) when ``schedule`` has no ``date`` column
    or ``year`` is not a year.
    """
    civil = require_whole(year, "L'année civile", minimum=1900, maximum=2200)
    if not isinstance(schedule, pd.DataFrame) or "date" not in schedule.columns:
        raise InputError(
            "Le calendrier des versements doit être un tableau avec une colonne « date », "
            "comme celui que renvoie payment_schedule(contrat)."
        )
    in_year = [
        to_date(day, f"La date du versement n° {position}").year == civil
        for position, day in enumerate(schedule["date"], start=1)
    ]
    return schedule.loc[in_year].reset_index(drop=True)


def calendar_year_funding(
    contract: AciContract,
    year: int,
    achievement_by_year: Mapping[int, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """ACI funding attributable to a civil year (the CPTS's accounting year), per mission.

    A budget prévisionnel covers a civil year while ACI amounts are set per contract
    year. Formula: each contract year's amount (:func:`annual_funding`) is spread evenly
    over the months the mission runs in that contract year, and the civil year receives
    the share of months that fall inside it::

        amount_civil = Σ_k amount_k × months(running period of year k ∩ civil year)
                                      / months(running period of year k)

    This is the product to book (accrual basis), not the cash received in the year
    (see :func:`payment_schedule`). Columns: ``mission``, ``libelle``,
    ``part_fixe_eur``, ``part_variable_eur``, ``total_eur``.
    """
    civil = require_whole(year, "L'année civile", minimum=1900, maximum=2200)
    by_year = _check_achievement_by_year(contract, achievement_by_year)
    jan1, next_jan1 = dt.date(civil, 1, 1), dt.date(civil + 1, 1, 1)
    totals: dict[str, list[float]] = {}
    labels: dict[str, str] = {FONCTIONNEMENT: FONCTIONNEMENT_LABEL}
    for mission in contract.missions:
        labels[mission.id] = mission.label
    for key in labels:
        totals[key] = [0.0, 0.0]
    for k in contract.contract_years:
        start, end = contract.year_bounds(k)
        if end <= jan1 or start >= next_jan1:
            continue
        funding = annual_funding(contract, k, by_year.get(k, {}))
        row: Any  # a row of the table: its fields are not known statically
        for row in funding.itertuples(index=False):
            if row.mois_prorata <= 0:
                continue
            running_start = (
                start
                if row.mission == FONCTIONNEMENT
                else max(start, contract.mission(row.mission).start_date)
            )
            inside = months_between(max(running_start, jan1), min(end, next_jan1))
            share = inside / row.mois_prorata
            totals[row.mission][0] += row.part_fixe_eur * share
            totals[row.mission][1] += row.part_variable_eur * share
    rows = [
        (key, labels[key], cents(fixed), cents(variable), cents(cents(fixed) + cents(variable)))
        for key, (fixed, variable) in totals.items()
    ]
    return pd.DataFrame(rows, columns=list(CALENDAR_COLUMNS))


def _require_size(size: Any) -> int:
    if (
        isinstance(size, bool)
        or not isinstance(size, numbers.Real)
        or float(size) not in {float(s) for s in SIZES}
    ):
        raise InputError(
            f"La taille ACI vaut « {size} » : elle doit être 1, 2, 3 ou 4. Elle dépend de "
            "la population couverte (moins de 40 000 habitants : 1 ; 40 000 à 80 000 : 2 ; "
            "80 000 à 175 000 : 3 ; plus de 175 000 : 4)."
        )
    return int(cast(SupportsInt, size))  # a real number: typeshed's Real lacks __int__


def _require_years(contract: AciContract, years: Iterable[Any] | numbers.Real | None) -> list[int]:
    if years is None:
        return list(contract.contract_years)
    if isinstance(years, numbers.Real):
        return [contract.require_year(years)]
    return sorted({contract.require_year(y) for y in years})


def _check_achievement(
    contract: AciContract, achievement: Mapping[str, float], year: int
) -> dict[str, float]:
    if not isinstance(achievement, Mapping):
        raise InputError(
            "Les taux d'atteinte se saisissent par mission, par exemple "
            "{'acces_aux_soins': 0.8, 'prevention': 0.6}."
        )
    rates = {}
    for mission_id, rate in achievement.items():
        mission = contract.mission(mission_id)
        rates[mission_id] = require_rate(
            rate, f"Le taux d'atteinte de la mission « {mission.label} » (année {year})"
        )
    return rates


def _check_achievement_by_year(
    contract: AciContract, achievement_by_year: Mapping[int, Mapping[str, float]] | None
) -> dict[int, dict[str, float]]:
    if achievement_by_year is None:
        return {}
    if not isinstance(achievement_by_year, Mapping):
        raise InputError(
            "Les taux d'atteinte se saisissent par année de contrat puis par mission, par "
            "exemple {1: {'acces_aux_soins': 0.8}, 2: {'acces_aux_soins': 0.9}}."
        )
    out = {}
    for year, achievement in achievement_by_year.items():
        checked = contract.require_year(year)
        out[checked] = _check_achievement(contract, achievement, checked)
    return out


COLUMNS = declare_columns(
    Column("mission", "Mission (code)"),
    Column("libelle_mission", "Mission"),
    Column("optionnelle", "Optionnelle"),
    Column("debut", "Début"),
    Column("date", "Date"),
    Column("annee_contrat", "Année de contrat"),
    Column("mois_prorata", "Mois couverts", "mois"),
    Column("taux_atteinte", "Taux d'atteinte", "%"),
)
"""Columns of the funding tables and payment schedule (:func:`annual_funding`,
:func:`payment_schedule`); amounts ``*_eur`` are in euros."""
