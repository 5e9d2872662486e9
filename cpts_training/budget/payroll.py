"""Employer cost of a salary: rate before reductions and the RGDU (from 1 January 2026).

The course's employer rate (parameter ``budget/taux_charges_patronales``, 42 % of the
gross salary) is a rate **before reductions**. Since 1 January 2026 the **réduction
générale dégressive unique** (RGDU, décret n° 2025-887 of 4 September 2025, adjusted by
décret n° 2025-1446 of 31 December 2025; art. D241-7 of the code de la sécurité sociale)
replaces the former réduction générale (« Fillon ») and the reduced health and family
rates. It lowers the employer contributions of every salary below 3 SMIC.

Formula (annual, per employee)::

    SMIC_annuel  = SMIC annuel brut à temps plein × quotité de travail (0.5 for a half-time)
    ratio        = 3 × SMIC_annuel / rémunération annuelle brute
    C            = Tmin + Tdelta × [ (1/2) × (ratio − 1) ] ** P
    C            = min(C, Tmin + Tdelta), rounded to 4 decimals
    C            = 0 when the salary is 3 × SMIC_annuel or more
    réduction    = rémunération annuelle brute × C
    taux effectif = taux avant réductions − C

2026 parameters (files under ``data/parametres/paie/``): SMIC annuel brut 21 876,40 €
(12,02 € × 1 820 h), Tmin 0,0200, Tdelta 0,3781 for an employer of fewer than 50
employees (FNAL 0,10 %, a CPTS) or 0,3821 from 50 employees (FNAL 0,50 %), P 1,75, ceiling
3 SMIC. Sources: service-public.fr F24542; paie-gestion-secretariat.com « Allègements
généraux 2026 : paramétrages RGDU »; artemis-paie.fr (décret n° 2025-1446). The rounding to
four decimals follows the rule of the former réduction générale and was not re-read in
the 2026 text. Special cases (dérogatory AT/MP or AGIRC-ARRCO rates, overtime,
absences, apprentices…) are out of scope: a payroll provider computes the real figure.

The réduction Fillon in force until 31 December 2025 is not modelled: for a date before
2026-01-01 the functions raise :class:`~cpts_training.errors.InputError`.

Amounts are euros, rates are fractions (0.42 for 42 %).
"""

from __future__ import annotations

import datetime as dt

from cpts_training.budget._common import cents, require_amount, require_rate, to_date
from cpts_training.dates import fr_date
from cpts_training.errors import InputError
from cpts_training.formatting import (
    format_decimal_fr,
    format_euros,
    format_number_fr,
    format_percent,
)
from cpts_training.reference import load_parameter

SMIC_PARAMETER = "paie/smic_annuel_brut"
TMIN_PARAMETER = "paie/rgdu/tmin"
TDELTA_PARAMETER = "paie/rgdu/tdelta"
EXPONENT_PARAMETER = "paie/rgdu/exposant"
CEILING_PARAMETER = "paie/rgdu/plafond_en_smic"
EMPLOYER_RATE_PARAMETER = "budget/taux_charges_patronales"

RGDU_START = dt.date(2026, 1, 1)
"""First day of the RGDU (décret n° 2025-887)."""

SMALL_EMPLOYER = "fnal_0_10"
"""Key of Tdelta for an employer of fewer than 50 employees (FNAL 0,10 %), e.g. a CPTS."""
LARGE_EMPLOYER = "fnal_0_50"
"""Key of Tdelta for an employer of 50 employees or more (FNAL 0,50 %)."""


def rgdu_coefficient(
    gross_annual_eur: float,
    on: dt.date | str = "2026-01-01",
    working_time: float = 1.0,
    fnal: str = SMALL_EMPLOYER,
) -> float:
    """RGDU coefficient C (a fraction of the gross salary) for a year's gross salary.

    ``working_time`` is the share of a full-time job in the contract (0.5 for a
    half-time): the SMIC of the formula is prorated by it. ``fnal`` selects Tdelta
    (:data:`SMALL_EMPLOYER` by default, :data:`LARGE_EMPLOYER` from 50 employees).
    Formula and sources: see the module docstring.

    Raises :class:`InputError` (French) for a negative or zero salary, a working time
    outside (0, 1], an unknown ``fnal`` key or a date before 1 January 2026.
    """
    day = to_date(on, "La date de calcul de la RGDU")
    if day < RGDU_START:
        raise InputError(
            f"La RGDU s'applique aux salaires à partir du 01/01/2026 (date demandée : "
            f"{fr_date(day)}). Avant, la réduction générale « Fillon » et les taux réduits "
            "maladie et allocations familiales s'appliquaient : ils ne sont pas modélisés ici, "
            "demandez le taux effectif à votre gestionnaire de paie."
        )
    gross = require_amount(gross_annual_eur, "Le salaire brut annuel")
    if gross <= 0:
        raise InputError("Le salaire brut annuel doit être positif pour calculer la RGDU.")
    share = require_rate(working_time, "La quotité de travail")
    if share <= 0:
        raise InputError(
            "La quotité de travail doit être positive (1 pour un temps plein, 0,5 pour un "
            "mi-temps)."
        )
    smic = float(load_parameter(SMIC_PARAMETER).value_at(day)) * share
    tmin = float(load_parameter(TMIN_PARAMETER).value_at(day))
    tdeltas = load_parameter(TDELTA_PARAMETER).value_at(day)
    if fnal not in tdeltas:
        raise InputError(
            f"Taux FNAL « {fnal} » inconnu : choisissez {SMALL_EMPLOYER} (moins de 50 "
            f"salariés) ou {LARGE_EMPLOYER} (50 salariés ou plus)."
        )
    tdelta = float(tdeltas[fnal])
    exponent = float(load_parameter(EXPONENT_PARAMETER).value_at(day))
    ceiling = float(load_parameter(CEILING_PARAMETER).value_at(day))
    if cents(gross) >= cents(ceiling * smic):
        return 0.0
    base = 0.5 * (ceiling * smic / gross - 1)
    coefficient = min(tmin + tdelta * base**exponent, tmin + tdelta)
    return round(coefficient, 4)


def rgdu_reduction(
    gross_annual_eur: float,
    on: dt.date | str = "2026-01-01",
    working_time: float = 1.0,
    fnal: str = SMALL_EMPLOYER,
) -> float:
    """Annual RGDU in euros: gross salary × :func:`rgdu_coefficient`, to the cent.

    Example (2026, fewer than 50 employees): a coordinator paid 40 800 € a year full
    time gets C = 0,0671 and a reduction of 2 737,68 €. Raises :class:`InputError` as
    :func:`rgdu_coefficient`.
    """
    coefficient = rgdu_coefficient(gross_annual_eur, on, working_time, fnal)
    return cents(float(gross_annual_eur) * coefficient)


def effective_employer_rate(
    gross_annual_eur: float,
    on: dt.date | str = "2026-01-01",
    working_time: float = 1.0,
    fnal: str = SMALL_EMPLOYER,
    rate_before_reductions: float | None = None,
) -> float:
    """Employer rate after the RGDU: rate before reductions − RGDU coefficient.

    ``rate_before_reductions`` defaults to the parameter ``budget/taux_charges_patronales``
    on ``on`` (0.42). The result is a fraction (0.3529 for 35,29 %). Raises
    :class:`InputError` as :func:`rgdu_coefficient`, or when the reduction would exceed
    the rate before reductions.
    """
    day = to_date(on, "La date de calcul de la RGDU")
    if rate_before_reductions is None:
        before = float(load_parameter(EMPLOYER_RATE_PARAMETER).value_at(day))
    else:
        before = require_rate(rate_before_reductions, "Le taux de charges avant réductions")
    coefficient = rgdu_coefficient(gross_annual_eur, day, working_time, fnal)
    if coefficient > before:
        raise InputError(
            f"La RGDU ({coefficient:.2%}) dépasse le taux de charges avant réductions "
            f"({before:.2%}) : vérifiez ce taux avec votre gestionnaire de paie."
        )
    return round(before - coefficient, 4)


def employer_cost_summary(
    gross_annual_eur: float,
    on: dt.date | str = "2026-01-01",
    working_time: float = 1.0,
    fnal: str = SMALL_EMPLOYER,
) -> str:
    """French one-line summary: gross salary, RGDU and effective employer rate."""
    coefficient = rgdu_coefficient(gross_annual_eur, on, working_time, fnal)
    rate = effective_employer_rate(gross_annual_eur, on, working_time, fnal)
    reduction = rgdu_reduction(gross_annual_eur, on, working_time, fnal)
    return (
        f"Brut annuel {format_euros(gross_annual_eur)} (quotité "
        f"{format_decimal_fr(working_time)}) : coefficient RGDU "
        f"{format_number_fr(coefficient, 4)}, réduction {format_euros(reduction, 2)}, "
        f"taux patronal effectif {format_percent(rate, 2)}."
    )
