"""Forms over the budget domain: budget editor, ACI simulator and cash what-if.

Three widgets for trainees who do not program (module « Budget prévisionnel,
financement ACI et trésorerie »):

- :class:`BudgetEditor`: the budget prévisionnel in an editable grid, its totals and
  balance check, a row to add a line and an XLSX export;
- :class:`AciSimulator`: the funding of a contract year and its payments, driven by
  one achievement slider per mission;
- :class:`CashWhatIf`: the monthly cash plan when an ACI payment arrives late.

Every figure, check and message comes from :mod:`cpts_training.budget`: the widgets
read their controls, call the domain and format what it returns. A
:class:`~cpts_training.errors.CPTSError` raised by the domain on a trainee's input is
shown in French in the form, never as a traceback.
"""

from cpts_training.budget.widgets.aci_simulator import AciSimulator
from cpts_training.budget.widgets.budget_editor import BudgetEditor
from cpts_training.budget.widgets.cash_what_if import CashWhatIf

__all__ = ["AciSimulator", "BudgetEditor", "CashWhatIf"]
