"""A CSV file far too wide is told so: too many columns, not a line too long."""

import pytest
from support.cli import run_custdesk

from models.transfer.csv_reader import MAX_COLUMNS


@pytest.mark.parametrize(
    "header",
    [
        ",".join(f"c{i}" for i in range(50_000)),  # over 64 KB
        "Business Name" + "," * 5_000,  # under 64 KB
    ],
    ids=["line-over-64KB", "line-under-64KB"],
)  # (the test's id goes into the environment)
def test_a_file_with_too_many_columns_is_told_so(tmp_path, header):
    path = tmp_path / "wide.csv"
    path.write_text(f"{header}\nAcme\n", encoding="utf-8")
    columns = header.count(",") + 1
    result = run_custdesk("import", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert result.stderr == (
        f"custdesk: {path}: Line 1: too many columns: {columns:,}, at most "
        f"{MAX_COLUMNS:,}. Nothing was imported.\n"
    )


def test_commas_inside_quotes_are_not_columns(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(f'Business Name\n"{"," * 70_000}"\n', encoding="utf-8")
    result = run_custdesk("import", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "Line 2 is longer than 64 KB" in result.stderr


def test_many_unknown_columns_are_named_up_to_ten(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(
        "Business Name," + ",".join(f"extra{i}" for i in range(40)) + "\n", encoding="utf-8"
    )
    result = run_custdesk("import", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "'extra9', and 30 more. Nothing was imported." in result.stderr
    assert "extra10" not in result.stderr
