"""Coverage of the référentiel by the modules and the graded cells."""

from __future__ import annotations

import pytest

from cpts_training.coverage import coverage, coverage_summary, render_coverage_markdown


@pytest.fixture(scope="module")
def table():
    return coverage()


def test_one_row_per_competency(table) -> None:
    # 13 + 8 + 9 + 11 + 18 competencies in blocs B1 to B5.
    assert len(table) == 59
    assert table["competence"].is_unique


def test_cash_planning_is_taught_by_module_01_and_assessed_by_question_3(table) -> None:
    row = table.set_index("competence").loc["B5.C07"]
    assert row["enseignee_par"] == ["M01"]
    assert row["evaluee_par"] == ["evaluation_01:q3_retard", "evaluation_01:q3_cout"]


def test_summary_per_bloc(table) -> None:
    summary = coverage_summary(table).set_index("bloc")
    # course/syllabus.yaml: M01 teaches 8 competencies of B5 and M03 the other 10, all
    # assessed (evaluations 01 and 03): 18 of 18; no module covers B3 yet.
    assert summary.loc["B5"].tolist() == [18, 18, 18]
    assert summary.loc["B3"].tolist() == [9, 0, 0]


def test_markdown_page(table) -> None:
    page = render_coverage_markdown(table)
    assert page.startswith("# Couverture du référentiel")
    assert "| B5.C07 |" in page and "`evaluation_01:q3_cout`" in page
    assert page.count("\n| B") >= 59
