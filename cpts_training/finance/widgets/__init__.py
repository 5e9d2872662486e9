"""Forms over the finance domain, for trainees who do not program (module 03).

- :class:`RatioDashboard`: the case CPTS's years side by side (résultat, CAF, FRNG, BFR,
  trésorerie, ratios) with their variations, and the reading of the ratios of a chosen
  year against dated thresholds (facts, never a written diagnosis);
- :class:`EprdForm`: the partner SSIAD's EPRD with the trainee's mesures nouvelles by
  groupe fonctionnel, investments and loans → CRPP, CAF, tableau de financement
  prévisionnel, bilan financier and the six-year PGFP, next to the EPRD as filed;
- :class:`PlanForm`: the CPTS's five-year plan over the ACI contract; the trainee moves
  the hypotheses year by year (staff, indemnities, ACI achievement, investments, surplus
  allocation) and reads the trajectory of résultat, CAF, FRNG and trésorerie, its chart,
  the factual signals and an XLSX work file;
- :class:`DashboardBuilder`: the tableau de bord the trainee builds for the CA from a
  catalogue of financial, activity and efficiency indicators (targets, frequency,
  recipients; nothing pre-selected), computed over the case's years and exported;
- :class:`MyAccounts`: « Ma CPTS », the trainee's own trial balance (CSV or XLSX export)
  → statements, CAF, bilan financier, ratios and their reading, and the trainee's own
  diagnosis exported to Word or a web page.

Every figure comes from :mod:`cpts_training.finance`; the forms read their controls, call
the model and show what it returns, in French, never a traceback.
"""

from cpts_training.finance.widgets.dashboard_builder import DashboardBuilder
from cpts_training.finance.widgets.eprd_form import EprdForm
from cpts_training.finance.widgets.my_accounts import MyAccounts
from cpts_training.finance.widgets.plan_form import PlanForm
from cpts_training.finance.widgets.ratio_dashboard import RatioDashboard

__all__ = ["DashboardBuilder", "EprdForm", "MyAccounts", "PlanForm", "RatioDashboard"]
