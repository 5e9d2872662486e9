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
- :mod:`~cpts_training.budget.builder`: the budget prévisionnel built from the projet de
  santé's needs (posts, indemnity groups, charges, resources) and its hypotheses table;
- :mod:`~cpts_training.budget.xlsx_import`: a budget workbook read back, cell by cell;
- :mod:`~cpts_training.budget.cash_builder`: the monthly cash plan built from each charge's
  payment timing, the financing need and the levers that cover it;
- :mod:`~cpts_training.budget.presentation`: the one-page summary for the CA (HTML, DOCX);
- :mod:`~cpts_training.budget.revision`: the mid-year review and the budget rectificatif
  under a constraint (protected lines);
- :mod:`~cpts_training.budget.risks`: dependency on the ACI, reserves in months, result
  sensitivity to the achievement rates and to the loss of a funder;
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
from cpts_training.budget.builder import (
    BudgetHypotheses,
    BuiltBudget,
    ChargeItem,
    IndemnityGroup,
    ResourceItem,
    StaffPost,
    aci_resource,
    build_budget,
    read_budget_brief,
)
from cpts_training.budget.case_study import (
    CaseStudy,
    CashInputs,
    load_budget_brief,
    load_case_study,
    load_cash_builder_inputs,
    load_mid_year_file,
)
from cpts_training.budget.cash import (
    CashSummary,
    cash_plan,
    cash_summary,
    delay_payments,
    monthly_spending,
    what_if_delay,
)
from cpts_training.budget.cash_builder import (
    FinancingNeed,
    Investment,
    PaymentTiming,
    build_cash_plan,
    compare_levers,
    facility_cost,
    financing_need,
    spending_by_nature,
    spending_schedule,
)
from cpts_training.budget.export import export_budget_xlsx, export_built_budget_xlsx
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
from cpts_training.budget.presentation import (
    BudgetPresentation,
    BudgetRatios,
    budget_presentation,
    budget_ratios,
    by_mission,
)
from cpts_training.budget.revision import (
    BudgetRectificatif,
    mid_year_review,
    revise_budget_under_constraint,
)
from cpts_training.budget.risks import aci_dependency, reserves_in_months, result_sensitivity
from cpts_training.budget.xlsx_import import read_budget_xlsx

__all__ = [
    "AciContract",
    "AciMission",
    "BalanceVerdict",
    "BudgetHypotheses",
    "BudgetPresentation",
    "BudgetRatios",
    "BudgetRectificatif",
    "BudgetSummary",
    "BuiltBudget",
    "CaseStudy",
    "CashInputs",
    "CashSummary",
    "ChargeItem",
    "FinancingNeed",
    "IndemnityGroup",
    "Investment",
    "PaymentTiming",
    "ResourceItem",
    "StaffPost",
    "account_class",
    "aci_dependency",
    "aci_product_line",
    "aci_resource",
    "aci_size",
    "advance_nature",
    "alerts",
    "annual_funding",
    "balance_of",
    "budget_line",
    "budget_presentation",
    "budget_ratios",
    "budget_summary",
    "build_budget",
    "build_cash_plan",
    "by_mission",
    "by_nature",
    "calendar_year_funding",
    "call_for_projects_line",
    "cash_plan",
    "cash_summary",
    "check_balance",
    "communication_line",
    "compare",
    "compare_levers",
    "delay_payments",
    "deployment_deadlines",
    "effective_employer_rate",
    "export_budget_xlsx",
    "export_built_budget_xlsx",
    "facility_cost",
    "financing_need",
    "fir_line",
    "indemnity_cap",
    "indemnity_line",
    "indemnity_table",
    "it_lines",
    "load_budget_brief",
    "load_case_study",
    "load_cash_builder_inputs",
    "load_mid_year_file",
    "local_authority_line",
    "make_budget",
    "mid_year_review",
    "monthly_spending",
    "payment_schedule",
    "payments_in_year",
    "premises_lines",
    "professionals_above_cap",
    "read_budget_brief",
    "read_budget_xlsx",
    "reference_ceiling",
    "reforecast",
    "reserves_in_months",
    "result_of",
    "result_sensitivity",
    "revise_budget",
    "revise_budget_under_constraint",
    "rgdu_coefficient",
    "rgdu_reduction",
    "salary_cost",
    "salary_lines",
    "spending_by_nature",
    "spending_schedule",
    "what_if_delay",
]
