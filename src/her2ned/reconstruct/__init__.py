"""Reconstruct a synthetic 118-patient table consistent with every number in the TOG 2026 abstract.

Only the abstract of Dursun et al. (2026) is available, so no patient-level data exist. This package
builds *one* table whose analysis reproduces the published numbers, by a deterministic seeded search
over what the abstract does not say: the covariate pattern of each patient, ages, progression and
censoring times. The search is decomposed into independent parts, one module each:

1. **Covariates and NED** (:mod:`.covariates`, :func:`search_covariates`). The multivariable logistic
   model and the univariable tests depend only on the counts of patients in each cell of
   ECOG × IHC × grade ≤ 2 × local therapy × regimen, split by NED. An iterated local search over
   those integer counts (moving one patient at a time between cells) minimises the distance to the
   three odds ratios, their p-values, the three univariable p-values and keeps local therapy and
   regimen non-significant. Fits inside the search are vectorised Newton–Raphson (grouped data).
2. **Ages** (:mod:`.ages`, :func:`search_ages`): normal draws whose middle order statistic is set to
   the published median exactly; a bisection on the spread hits the Mann–Whitney p-value.
3. **PFS** (:mod:`.pfs`, :func:`search_pfs`): for each NED group a number of events, exit times and
   which exits are progressions are drawn; each group's times are rescaled so that its Kaplan–Meier
   median is the published one exactly; a monotone warp of the NED group's times around its median
   (which leaves its median unchanged) is found by bisection to hit the Cox hazard ratio; the draw is
   kept if the Cox p-value, the log-rank p-value and the non-significance of local therapy and
   regimen also hold.
4. **The table** (:mod:`.table`, :func:`reconstruct`): the three searches in turn; the other columns
   (centre, grade 1 vs 2, hormone receptors, de novo, visceral) are drawn from the stated shares, as
   no published number depends on them.

Every assumption lives in :data:`ASSUMPTIONS` (:mod:`.assumptions`, shown in the book by
:func:`assumptions_table`) and every tolerance in :data:`DEFAULT_TOLERANCES` (:mod:`.tog_targets`). If a
target cannot be met within the search budget, :class:`ReconstructionError` names the claim(s) and
carries the closest candidate, so a table that misses a claim is never returned silently.

The final table is checked with the reference libraries of :mod:`her2ned.models` (statsmodels and
lifelines) by :func:`reproduced_values` (:mod:`.verify`); :mod:`.ensemble` rebuilds it from many seeds.
"""

from .. import SYNTHETIC_NOTICE
from ..targets import ReconstructionError, Target
from .ages import search_ages
from .assumptions import ASSUMPTIONS, Assumptions, assumptions_table
from .covariates import START_MARGINS, search_covariates
from .ensemble import ENSEMBLE_COLUMNS, ENSEMBLE_SEEDS, format_ensemble_csv, reconstruct_ensemble, summarise_table
from .pfs import search_pfs
from .table import COHORT_SEED, COLUMNS, complete_table, format_cohort_csv, reconstruct
from .tog_targets import DEFAULT_TOLERANCES, check_targets, targets_from_claims
from .verify import reproduced_values, univariable_tests

__all__ = [
    "Assumptions",
    "ASSUMPTIONS",
    "DEFAULT_TOLERANCES",
    "Target",
    "ReconstructionError",
    "targets_from_claims",
    "search_covariates",
    "complete_table",
    "START_MARGINS",
    "search_ages",
    "search_pfs",
    "reconstruct",
    "reproduced_values",
    "check_targets",
    "assumptions_table",
    "format_cohort_csv",
    "COLUMNS",
    "SYNTHETIC_NOTICE",
    "univariable_tests",
    "reconstruct_ensemble",
    "summarise_table",
    "format_ensemble_csv",
    "COHORT_SEED",
    "ENSEMBLE_SEEDS",
    "ENSEMBLE_COLUMNS",
]
