"""The revision note's list of headline figures that changed (SPEC 9), in-process."""

from __future__ import annotations

from pathlib import Path

from pipeline.documents.compose.revisions import headline_changes
from pipeline.indicators.table import Indicators

ROWS = """scope,window,indicator,value
province,period,admitted,{admitted}
province,period,villages_total,{villages}
province,year_to_date,admitted,{admitted_year}
province,year_to_date,annual_target_pct,{annual_pct}
province,year_to_date,villages_total,{villages}
province,term_to_date,villages_no_member_eliminated,{eliminated}
DBP,period,admitted,{admitted}
"""


def _indicators(folder: Path, name: str, **values: object) -> Indicators:
    path = folder / f"{name}.csv"
    path.write_text(ROWS.format(**values), encoding="utf-8")
    return Indicators.read(path)


def test_every_headline_figure_that_moved_old_to_new(tmp_path: Path) -> None:
    """A second half-year: the year's admissions differ from the half-year's, so both are named; a stock
    the same at the end of both (the villages) once; a unit's figures are not headline figures."""
    before = _indicators(
        tmp_path, "v1", admitted=120, villages=1813, admitted_year=250, annual_pct="98.50", eliminated=44
    )
    now = _indicators(tmp_path, "v2", admitted=121, villages=1815, admitted_year=251, annual_pct="98.90", eliminated=45)
    assert headline_changes(before, now) == [
        ("Đảng viên mới kết nạp (trong kỳ)", "120", "121"),
        ("Tổng số thôn, bản, tổ dân phố (trong kỳ)", "1.813", "1.815"),
        ("Đảng viên mới kết nạp (từ đầu năm)", "250", "251"),
        ("Tỷ lệ so với chỉ tiêu năm (từ đầu năm)", "98,50%", "98,90%"),
        ("Thôn, bản chưa có đảng viên đã được xóa (từ đầu nhiệm kỳ)", "44", "45"),
    ]


def test_in_a_first_half_year_the_year_so_far_is_said_once(tmp_path: Path) -> None:
    before = _indicators(tmp_path, "v1", admitted=120, villages=10, admitted_year=120, annual_pct="50.00", eliminated=1)
    now = _indicators(tmp_path, "v2", admitted=119, villages=10, admitted_year=119, annual_pct="49.58", eliminated=1)
    assert headline_changes(before, now) == [
        ("Đảng viên mới kết nạp (trong kỳ)", "120", "119"),
        ("Tỷ lệ so với chỉ tiêu năm (từ đầu năm)", "50,00%", "49,58%"),
    ]
    assert headline_changes(now, now) == []
