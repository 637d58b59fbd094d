import pandas as pd
import pytest

from her2ned.datasets import load_csv
from her2ned.tables import table_one


@pytest.fixture(scope="module")
def df():
    return load_csv("reconstructed", "tog2026_cohort.csv")


def test_counts_add_up(df):
    t = table_one(df, by="ned")
    assert list(t.columns) == ["variable", "level", "statistic", "0", "1", "overall"]
    ecog = t[t.variable == "ecog"]
    for col, n in (("0", 63), ("1", 55), ("overall", 118)):
        counts = ecog[col].str.split(" ").str[0].astype(int)
        assert counts.sum() == n
    # the overall column is the sum of the groups
    a = ecog["0"].str.split(" ").str[0].astype(int).to_numpy()
    b = ecog["1"].str.split(" ").str[0].astype(int).to_numpy()
    o = ecog["overall"].str.split(" ").str[0].astype(int).to_numpy()
    assert (a + b == o).all()


def test_continuous_median(df):
    t = table_one(df, by="ned", variables={"age": "continuous"})
    assert t.loc[t.variable == "age", "1"].iloc[0].startswith("46 (")
    assert t.loc[t.variable == "age", "0"].iloc[0].startswith("53 (")


def test_bad_input(df):
    with pytest.raises(TypeError, match="df"):
        table_one([1, 2])
    with pytest.raises(ValueError, match="by"):
        table_one(df, by="nope")
    with pytest.raises(ValueError, match="continuous"):
        table_one(df, variables={"age": "weird"})
    with pytest.raises(ValueError, match="not a column"):
        table_one(df, variables={"nope": "categorical"})
    with pytest.raises(TypeError, match="variables"):
        table_one(df, variables=["age"])
    with pytest.raises(ValueError, match="missing"):
        table_one(pd.DataFrame({"ned": [1, None], "age": [1, 2]}))
