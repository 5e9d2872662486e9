"""Forms over the budget domain, for trainees who do not program (module 01).

- :class:`BudgetBuilder`: the budget prévisionnel built from the projet de santé's needs
  (posts, indemnity groups, charges, resources), its balance, warnings, hypotheses table,
  XLSX export and re-import of the trainee's own workbook;
- :class:`BudgetRevisionForm`: the mid-year review and the budget rectificatif under a
  constraint (protected lines locked);
- :class:`CashPlanBuilder`: the monthly cash plan built from each charge's payment timing,
  and whether the facilité de caisse the trainee decides covers every month;
- :class:`BudgetEditor`: a budget in an editable grid, its totals and balance, XLSX export;
- :class:`AciSimulator`: the funding of a contract year and its payments, driven by
  one achievement slider per mission;
- :class:`CashWhatIf`: the monthly cash plan when an ACI payment arrives late.

Every figure, check and message comes from :mod:`cpts_training.budget`: the widgets
read their controls, call the domain and format what it returns. A
:class:`~cpts_training.errors.CPTSError` raised by the domain on a trainee's input is
shown in French in the form, never as a traceback. No widget states the answer to an
exercise: they show the consequences of the trainee's choices.
"""

from cpts_training.budget.widgets.aci_simulator import AciSimulator
from cpts_training.budget.widgets.budget_builder import BudgetBuilder
from cpts_training.budget.widgets.budget_editor import BudgetEditor
from cpts_training.budget.widgets.budget_revision import BudgetRevisionForm
from cpts_training.budget.widgets.cash_plan_builder import CashPlanBuilder
from cpts_training.budget.widgets.cash_what_if import CashWhatIf

__all__ = [
    "AciSimulator",
    "BudgetBuilder",
    "BudgetEditor",
    "BudgetRevisionForm",
    "CashPlanBuilder",
    "CashWhatIf",
]
