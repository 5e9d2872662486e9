"""Analyse financière d'une association : balance générale, compte de résultat, bilan,
CAF, tableau de financement, bilan financier et ratios (bloc 5 du référentiel).

Modules:

- :mod:`~cpts_training.finance.trial_balance`: the trial balance (balance générale),
  its validation (balanced, known accounts, ANC 2022-06 from 2025) and its reading from
  a CSV or XLSX export;
- :mod:`~cpts_training.finance.chart`: the account → rubric mapping, stored as data
  (``data/finance/plan_de_comptes.yaml``);
- :mod:`~cpts_training.finance.statements`: compte de résultat and bilan;
- :mod:`~cpts_training.finance.analysis`: CAF, tableau de financement, bilan financier
  (FRI, FRE, FRNG, BFR, trésorerie), ratios and their reading against dated thresholds;
- :mod:`~cpts_training.finance.case_study`: the trial balances 2024 and 2025 of the
  fictional « CPTS de la Vallée de l'Aubrenne »;
- :mod:`~cpts_training.finance.eprd`: EPRD and ERRD of a partner ESSMS under CPOM
  (groupes fonctionnels, CAF, TFP, PGFP, variances), with the fictional « SSIAD du Causse ».

Money is in euros; rates are fractions between 0 and 1.
"""

from cpts_training.finance.analysis import (
    Caf,
    FinancialBalance,
    FinancingTable,
    caf,
    caf_of_terms,
    current_cash_charges,
    diagnosis_table,
    financial_balance,
    financing_table,
    ratios,
)
from cpts_training.finance.case_study import (
    CASE_YEARS,
    case_warning,
    load_annex,
    load_trial_balance,
    trial_balance_file,
)
from cpts_training.finance.chart import AccountRubric, chart_table, load_chart, rubric_of
from cpts_training.finance.eprd import (
    Eprd,
    Errd,
    ForecastBalance,
    FunctionalGroups,
    crpp_by_group,
    eprd_alerts,
    eprd_caf,
    eprd_errd_variances,
    eprd_with_measures,
    forecast_balance,
    functional_groups_table,
    group_lines,
    load_eprd,
    load_errd,
    load_functional_groups,
    pgfp,
    tableau_de_financement_previsionnel,
)
from cpts_training.finance.statements import (
    BalanceSheet,
    IncomeStatement,
    account_table,
    balance_sheet,
    income_statement,
)
from cpts_training.finance.trial_balance import (
    TRIAL_BALANCE_COLUMNS,
    balances,
    read_trial_balance,
    require_trial_balance,
)

__all__ = [
    "CASE_YEARS",
    "TRIAL_BALANCE_COLUMNS",
    "AccountRubric",
    "BalanceSheet",
    "Caf",
    "FinancialBalance",
    "FinancingTable",
    "IncomeStatement",
    "account_table",
    "balance_sheet",
    "balances",
    "caf",
    "caf_of_terms",
    "case_warning",
    "load_annex",
    "chart_table",
    "current_cash_charges",
    "diagnosis_table",
    "financial_balance",
    "financing_table",
    "income_statement",
    "load_chart",
    "load_trial_balance",
    "ratios",
    "read_trial_balance",
    "require_trial_balance",
    "rubric_of",
    "trial_balance_file",
    "Eprd",
    "Errd",
    "ForecastBalance",
    "eprd_alerts",
    "eprd_with_measures",
    "forecast_balance",
    "FunctionalGroups",
    "crpp_by_group",
    "eprd_caf",
    "eprd_errd_variances",
    "functional_groups_table",
    "group_lines",
    "load_eprd",
    "load_errd",
    "load_functional_groups",
    "pgfp",
    "tableau_de_financement_previsionnel",
]

from cpts_training.finance.indicators import (  # noqa: E402  (tableau de bord)
    IndicatorChoice,
    dashboard_table,
    export_dashboard_xlsx,
    indicator_catalogue,
    indicator_values,
    load_activity,
    plot_dashboard,
    target_from_text,
    validate_choices,
)
from cpts_training.finance.plan import (  # noqa: E402  (plan pluriannuel de financement)
    PLAN_COLUMNS,
    PLAN_LABELS,
    SIGNAL_COLUMNS,
    Investment,
    PlanHypotheses,
    aci_by_year,
    export_plan_xlsx,
    hypotheses_table,
    plan_signals,
    plan_table,
    plan_trajectory,
    plot_plan,
)

__all__ += [
    "IndicatorChoice",
    "dashboard_table",
    "export_dashboard_xlsx",
    "indicator_catalogue",
    "indicator_values",
    "load_activity",
    "plot_dashboard",
    "target_from_text",
    "validate_choices",
    "PLAN_LABELS",
    "export_plan_xlsx",
    "hypotheses_table",
    "plan_table",
    "plot_plan",
    "PLAN_COLUMNS",
    "SIGNAL_COLUMNS",
    "Investment",
    "PlanHypotheses",
    "aci_by_year",
    "plan_signals",
    "plan_trajectory",
]

from cpts_training.finance.report import (  # noqa: E402  (documents of the analysis)
    AccountsReport,
    Section,
    accounts_report,
    evolution_section,
    evolution_table,
    financial_diagnosis_docx,
    financial_diagnosis_html,
    save_financial_diagnosis_html,
)
from cpts_training.finance.trial_balance import read_uploaded_trial_balance  # noqa: E402

__all__ += [
    "AccountsReport",
    "Section",
    "accounts_report",
    "evolution_section",
    "evolution_table",
    "financial_diagnosis_docx",
    "financial_diagnosis_html",
    "read_uploaded_trial_balance",
    "save_financial_diagnosis_html",
]
