"""Budget prévisionnel, financement ACI et trésorerie d'une CPTS (bloc 5 du référentiel).

Modules:

- :mod:`~cpts_training.budget.aci`: the ACI contract, the funding of a contract year,
  the payment schedule, the payments of a civil year and the funding of a civil year;
- :mod:`~cpts_training.budget.forecast`: the budget prévisionnel by nature, line
  builders, totals and balance;
- :mod:`~cpts_training.budget.monitoring`: planned against actual, alerts, reforecast;
- :mod:`~cpts_training.budget.cash`: the monthly cash plan and delayed-payment scenarios;
- :mod:`~cpts_training.budget.payroll`: the employer rate before reductions and the RGDU
  (réduction générale dégressive unique, from 1 January 2026);
- :mod:`~cpts_training.budget.charts`: matplotlib figures with French labels;
- :mod:`~cpts_training.budget.export`: a formatted XLSX workbook for the treasurer;
- :mod:`~cpts_training.budget.case_study`: the fictional « CPTS de la Vallée de
  l'Aubrenne ».

The charts live in :mod:`cpts_training.budget.charts` (imported on demand, as they load
matplotlib). Money is in euros (columns ending in ``_eur``); rates are fractions between 0 and 1.
"""

from cpts_training.budget.aci import (
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
from cpts_training.budget.case_study import CaseStudy, CashInputs, load_case_study
from cpts_training.budget.cash import (
    CashSummary,
    cash_plan,
    cash_summary,
    delay_payments,
    monthly_spending,
    what_if_delay,
)
from cpts_training.budget.export import export_budget_xlsx
from cpts_training.budget.forecast import (
    BalanceVerdict,
    BudgetSummary,
    account_class,
    aci_product_line,
    balance_of,
    budget_line,
    budget_summary,
    by_nature,
    call_for_projects_line,
    check_balance,
    communication_line,
    fir_line,
    indemnity_cap,
    indemnity_line,
    indemnity_table,
    it_lines,
    local_authority_line,
    make_budget,
    premises_lines,
    professionals_above_cap,
    revise_budget,
    salary_cost,
    salary_lines,
)
from cpts_training.budget.monitoring import alerts, compare, reforecast, result_of
from cpts_training.budget.payroll import (
    effective_employer_rate,
    rgdu_coefficient,
    rgdu_reduction,
)

__all__ = [
    "AciContract",
    "AciMission",
    "BalanceVerdict",
    "BudgetSummary",
    "CaseStudy",
    "CashInputs",
    "CashSummary",
    "account_class",
    "aci_product_line",
    "aci_size",
    "advance_nature",
    "alerts",
    "annual_funding",
    "balance_of",
    "budget_line",
    "budget_summary",
    "by_nature",
    "calendar_year_funding",
    "call_for_projects_line",
    "cash_plan",
    "cash_summary",
    "check_balance",
    "communication_line",
    "compare",
    "delay_payments",
    "deployment_deadlines",
    "effective_employer_rate",
    "export_budget_xlsx",
    "fir_line",
    "indemnity_cap",
    "indemnity_line",
    "indemnity_table",
    "it_lines",
    "load_case_study",
    "local_authority_line",
    "make_budget",
    "monthly_spending",
    "payment_schedule",
    "payments_in_year",
    "premises_lines",
    "professionals_above_cap",
    "reference_ceiling",
    "reforecast",
    "result_of",
    "revise_budget",
    "rgdu_coefficient",
    "rgdu_reduction",
    "salary_cost",
    "salary_lines",
    "what_if_delay",
]
