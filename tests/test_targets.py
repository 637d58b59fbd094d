"""Reconstruction targets for any study (her2ned.targets): built from the ledger, compared by tolerance."""

import math

import pytest

from her2ned.claims import LedgerError, load_claims
from her2ned.targets import build_targets, check_targets

CLAIMS = load_claims()


def test_fields_read_the_value_the_p_value_and_the_interval():
    t = build_targets(
        {
            "heros_remission_5y": ("abs", 0.5),
            "heros_remission_5y:lower": ("abs", 0.5),
            "heros_remission_5y:upper": ("abs", 0.5),
            "tog_or_ecog:p": ("rel", 0.25),
        },
        CLAIMS,
    )
    assert [t[k].published for k in ("heros_remission_5y", "heros_remission_5y:lower", "heros_remission_5y:upper")] == [
        47.1,
        39.9,
        54.1,
    ]  # the ledger's value and CI (heros2014.yaml)
    assert t["tog_or_ecog:p"].published == 0.005 and t["tog_or_ecog:p"].decimals == 3
    assert t["heros_remission_5y:lower"].quantity.endswith("(CI lower end)")


@pytest.mark.parametrize("value, met, rounds", [(47.14, True, True), (47.56, True, False), (47.7, False, False)])
def test_distance_and_rounding_against_the_printed_digits(value, met, rounds):
    t = build_targets({"heros_remission_5y": ("abs", 0.5)}, CLAIMS)
    row = check_targets({"heros_remission_5y": value}, t).iloc[0]
    assert row.met == met and t["heros_remission_5y"].rounds(value) == rounds
    assert math.isclose(row.distance, abs(value - 47.1) / 0.5)


@pytest.mark.parametrize(
    "defaults, error, match",
    [
        ({}, ValueError, "at least one"),
        ({"heros_n": ("approx", 1)}, ValueError, "kind"),
        ({"heros_n": ("abs", 0)}, ValueError, "tol > 0"),
        ({"heros_n:median": ("abs", 1)}, ValueError, "p, lower or upper"),
        ({"nope": ("exact", 0)}, LedgerError, "nope"),
        ({"heros_n:lower": ("exact", 0)}, LedgerError, "confidence interval"),
        ([("heros_n", "exact")], TypeError, "defaults"),
    ],
)
def test_bad_tables_are_refused(defaults, error, match):
    with pytest.raises(error, match=match):
        build_targets(defaults, CLAIMS)


def test_overrides_must_name_known_targets():
    with pytest.raises(ValueError, match="unknown target"):
        build_targets({"heros_n": ("exact", 0)}, CLAIMS, {"heros_centres": ("exact", 0)})
