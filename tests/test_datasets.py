"""her2ned.datasets resolves shipped files from the package location, never the working directory."""

import os

import pytest

from her2ned import datasets


def test_data_path_finds_the_ledger_from_any_working_directory(tmp_path):
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        path = datasets.data_path("published", "tog2026.yaml")
    finally:
        os.chdir(here)
    assert path.is_absolute() and path.exists()
    assert path.parent.parent == datasets.DATA_DIR


def test_ledger_files_are_the_yaml_files_of_data_published():
    names = [p.name for p in datasets.published_ledger_files()]
    assert names == sorted(names)
    assert {"tog2026.yaml", "heros2014.yaml", "ma2025.yaml", "ozcan2025.yaml"} <= set(names)


def test_missing_file_lists_what_is_there():
    with pytest.raises(FileNotFoundError, match="tog2026.yaml"):
        datasets.data_path("published", "no_such_study.yaml")


@pytest.mark.parametrize("parts", [("..", "README.md"), ("/etc", "passwd"), ("published/../../x",)])
def test_paths_cannot_leave_data(parts):
    with pytest.raises(ValueError, match="inside data/"):
        datasets.data_path(*parts)


def test_non_string_component_is_a_type_error():
    with pytest.raises(TypeError, match="must be str"):
        datasets.data_path("published", 3)


def test_load_csv_refuses_other_formats():
    with pytest.raises(ValueError, match=r"\.csv"):
        datasets.load_csv("published", "tog2026.yaml")
