"""The claim ledger loads, holds every number of the TOG abstract, and rejects malformed entries."""

import textwrap

import pytest

from her2ned import claims
from her2ned.claims import LedgerError, load_claims, load_ledger_file, parse_p

# The numbers of the TOG 2026 abstract (Dursun et al., Cancers 2026), typed from the abstract independently of
# the ledger, so that a typo in the YAML fails here.
ABSTRACT = {
    "tog_n": 118,
    "tog_ned_n": 55,
    "tog_ned_pct": 46.6,
    "tog_centres": 13,
    "tog_min_pfs": 36,
    "tog_age_median_ned": 46,
    "tog_age_median_non_ned": 53,
    "tog_age_p": 0.013,
    "tog_ecog_p": 0.005,
    "tog_ihc_p": 0.015,
    "tog_grade_p": 0.013,
    "tog_or_ecog": 5.99,
    "tog_or_ihc": 4.79,
    "tog_or_grade": 0.25,
    "tog_pfs_median_ned": 131,
    "tog_pfs_median_non_ned": 66,
    "tog_hr_ned": 0.24,
}
ABSTRACT_P = {
    "tog_or_ecog": 0.005,
    "tog_or_ihc": 0.035,
    "tog_or_grade": 0.011,
    "tog_hr_ned": 0.003,
    "tog_pfs_p": "<0.005",
}


def test_every_number_of_the_abstract_is_in_the_ledger():
    ledger = load_claims()
    for key, value in ABSTRACT.items():
        assert ledger[key].value == pytest.approx(value), key
    for key, p in ABSTRACT_P.items():
        assert ledger[key].p == p, key


def test_source_sentence_contains_the_number_as_printed():
    for c in load_claims().values():
        if c.is_numeric and c.study == "dursun2026":
            printed = f"{c.value:.{c.precision}f}"
            assert printed in c.source or printed.rstrip("0").rstrip(".") in c.source, c.id


def test_related_studies_are_loaded():
    ledger = load_claims()
    assert ledger["heros_n"].value == 268
    assert ledger["heros_ttp_median"].ci == (4.0, 6.6)
    assert ledger["ma_pcr_2plus"].value == 16.24 and ledger["ma_pcr_3plus"].value == 46.07
    assert ledger["ozcan_pfs_low"].p == 0.40


def test_ledger_table_filters_by_study_and_rejects_unknown():
    table = claims.ledger_table("dursun2026")
    assert set(table["study"]) == {"dursun2026"}
    assert table.loc[table["id"] == "tog_ned_pct", "published"].item() == "46.6%"
    with pytest.raises(ValueError, match="study must be one of"):
        claims.ledger_table("nobody2030")


@pytest.mark.parametrize(
    "p, expected", [(0.013, ("=", 0.013)), ("<0.005", ("<", 0.005)), ("<= 0.05", ("<=", 0.05)), (1, ("=", 1.0))]
)
def test_parse_p(p, expected):
    assert parse_p(p) == expected


@pytest.mark.parametrize("p", [0, -0.1, 1.5, "small", True, None])
def test_parse_p_rejects(p):
    with pytest.raises(ValueError, match="p must"):
        parse_p(p)


GOOD = """
study: {key: demo2026}
claims:
  - id: demo_n
    quantity: patients
    value: 10
    precision: 0
    group: cohort
    source: "We saw 10 patients."
"""


def write(tmp_path, text, name="demo.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_good_file_loads(tmp_path):
    (claim,) = load_ledger_file(write(tmp_path, GOOD))
    assert claim.id == "demo_n" and claim.study == "demo2026" and claim.display == "10"


@pytest.mark.parametrize(
    "change, message",
    [
        (("    precision: 0\n", ""), r"demo\.yaml, entry 1 \(id 'demo_n'\): field 'precision' is required"),
        (("    group: cohort\n", ""), r"demo\.yaml, entry 1 \(id 'demo_n'\): missing field\(s\) group"),
        (("value: 10", "value: [10]"), r"entry 1 \(id 'demo_n'\): field 'value' must be a number"),
        (("precision: 0", "precision: 0\n    p: 2"), r"field 'p': p must lie in \(0, 1\]"),
        (("precision: 0", "precision: 0\n    colour: red"), r"unknown field\(s\) colour"),
        (("id: demo_n", "id: Demo N"), r"field 'id' must be lower-case"),
        (("precision: 0", "precision: 0\n    ci: [5, 1]"), r"field 'ci' must be \[low, high\]"),
    ],
)
def test_malformed_entry_names_file_entry_and_field(tmp_path, change, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(LedgerError, match=message):
        load_ledger_file(write(tmp_path, text))


def test_duplicate_ids_and_bad_yaml_are_rejected(tmp_path):
    dup = GOOD + GOOD.split("claims:\n")[1]
    with pytest.raises(LedgerError, match="appears more than once"):
        load_ledger_file(write(tmp_path, dup))
    with pytest.raises(LedgerError, match="not valid YAML"):
        load_ledger_file(write(tmp_path, "study: [unclosed", "bad.yaml"))
    with pytest.raises(LedgerError, match="'study' and 'claims'"):
        load_ledger_file(write(tmp_path, "just: text", "empty.yaml"))
