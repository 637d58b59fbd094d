"""HER-OS rebuilt from its abstract (her2ned.heros) and its reproduction report.

References: lifelines for the committed table's analysis (the report's path) against the numpy fast path
the search uses; R survival (tests/r/km_ci.R, conf.type = "log-log") for the six survival numbers; the
ledger (heros2014.yaml) for the published values.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_rscript

from her2ned import heros
from her2ned.datasets import data_path, load_csv
from her2ned.reproduce import reproduction_report
from her2ned.targets import ReconstructionError

ROOT = Path(__file__).resolve().parents[1]
TABLE = load_csv("reconstructed", "heros2014_cohort.csv")


def test_committed_table_meets_every_target_and_entry_rule():
    values = heros.reproduced_values(TABLE)
    targets = heros.targets()
    assert all(t.distance(values[k]) <= 1 for k, t in targets.items())
    assert len(TABLE) == 268 and TABLE.ttp_months.min() >= 24  # heros_n, heros_min_pfs
    assert round(values["heros_ttp_median"], 1) == 4.5  # the published median (years)


def test_fast_path_equals_lifelines_on_the_committed_table():
    fast = heros._values(TABLE.ttp_months.to_numpy(), TABLE.progressed.to_numpy())
    ref = heros.reproduced_values(TABLE)
    assert fast.keys() == ref.keys()
    assert all(abs(fast[k] - ref[k]) < 1e-9 for k in ref)


def test_survival_numbers_agree_with_r(tmp_path):
    require_rscript("r-cran-survival")
    TABLE.rename(columns={"ttp_months": "time", "progressed": "event"}).to_csv(tmp_path / "d.csv", index=False)
    proc = subprocess.run(
        ["Rscript", str(ROOT / "tests" / "r" / "km_ci.R"), str(tmp_path / "d.csv"), "60", str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    r = {k: float(v) for k, v in (line.split(",") for line in (tmp_path / "out.csv").read_text().split())}
    ours = heros.reproduced_values(TABLE)
    assert ours["heros_ttp_median"] * 12 == pytest.approx(r["median"], abs=1e-9)
    assert ours["heros_ttp_median:lower"] * 12 == pytest.approx(r["median_lower"], abs=1e-9)
    assert ours["heros_ttp_median:upper"] * 12 == pytest.approx(r["median_upper"], abs=1e-9)
    for ours_key, r_key in (
        ("heros_remission_5y", "surv"),
        ("heros_remission_5y:lower", "surv_lower"),
        ("heros_remission_5y:upper", "surv_upper"),
    ):
        assert ours[ours_key] / 100 == pytest.approx(r[r_key], abs=1e-9)


def test_regeneration_is_byte_for_byte():
    table = heros.format_cohort_csv(heros.reconstruct(heros.COHORT_SEED))
    assert table.encode("utf-8") == data_path("reconstructed", "heros2014_cohort.csv").read_bytes()
    ranges = heros.format_range_csv(heros.feasible_range(heros.RANGE_SEED))
    assert ranges.encode("utf-8") == data_path("reconstructed", "heros2014_ranges.csv").read_bytes()


def test_report_lists_every_heros_claim():
    rep = reproduction_report(study="witzel2014").set_index("id")
    medians = [i for i in rep.index if i.startswith("heros_ttp_median")]
    assert set(rep.loc[medians, "status"]) == {"met within tolerance"}
    assert rep.loc["heros_centres", "status"] == "not reproducible from the abstract"
    assert rep.loc["heros_ttp_median:upper", "published"] == "6.6 years"  # the CI's upper end as printed
    with pytest.raises(ValueError, match="study"):
        reproduction_report(study="tog")


def test_ranges_contain_the_committed_table():
    ranges = load_csv("reconstructed", "heros2014_ranges.csv").set_index("quantity")
    e = TABLE.progressed.to_numpy()
    row = ranges.loc["progressions"]
    assert row.low <= e.sum() <= row.high and row.tables > 10


def test_impossible_targets_are_reported_not_faked():
    # a 5-year share far above the median's 50 % cannot be met: the search says so and names the targets
    tight = heros.targets(tolerances={"heros_remission_5y": ("abs", 1e-6)})
    with pytest.raises(ReconstructionError, match="no HER-OS table"):
        heros.search_table(np.random.default_rng(1), tight, draws=50)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: heros.search_table(1, heros.targets()), "rng"),
        (lambda: heros.search_table(np.random.default_rng(1), None), "targets"),
        (lambda: heros.search_table(np.random.default_rng(1), heros.targets(), draws=0), "draws"),
        (lambda: heros.search_table(np.random.default_rng(1), heros.targets(), trace="x"), "trace"),
        (lambda: heros.reproduced_values(pd.DataFrame({"x": [1]})), "ttp_months"),
        (lambda: heros.reproduced_values(TABLE.assign(progressed=2)), "progressed"),
        (lambda: heros.feasible_range(restarts=0), "restarts"),
        (lambda: heros.format_cohort_csv(TABLE.drop(columns="progressed")), "columns"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
