"""Periods, cell values, loose matching, vi-VN formatting: the small pieces everything else rests on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.common import fmt
from pipeline.common.periods import Period, parse, parse_loose, periods_on_record, span
from pipeline.common.text import fold
from pipeline.intake.cells import NotACountError, cell_name, column_letter, parse_count, parse_date


def test_period_parse_and_order() -> None:
    assert parse("2017H1") == Period(2017, 1)
    assert str(Period(2016, 2)) == "2016H2"
    assert Period(2016, 2) < Period(2017, 1)
    assert Period(2017, 1).shift(-2) == Period(2016, 1)
    assert Period(2017, 1).shift(-1) == Period(2016, 2)
    assert span(Period(2016, 1), Period(2017, 1)) == [Period(2016, 1), Period(2016, 2), Period(2017, 1)]


@pytest.mark.parametrize("bad", ["2017", "2017H3", "17H1", "2017-H1", "", "2017h1x"])
def test_period_parse_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYYH1"):
        parse(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017H1", Period(2017, 1)),
        ("2017h2", Period(2017, 2)),
        ("6 tháng đầu năm 2017", Period(2017, 1)),
        ("6 THÁNG CUỐI NĂM 2016", Period(2016, 2)),
        ("6  tháng  cuối năm 2016 ", Period(2016, 2)),
    ],
)
def test_period_as_written_in_returns(text: str, expected: Period) -> None:
    assert parse_loose(text) == expected


def test_period_label() -> None:
    assert Period(2017, 1).label_vi() == "6 tháng đầu năm 2017"
    assert Period(2017, 2).label_vi() == "6 tháng cuối năm 2017"


def test_periods_on_record_ignore_other_folders(tmp_path) -> None:
    for name in ("2016H2", "2016H1", "notes", "2017H3"):
        (tmp_path / "returns" / name).mkdir(parents=True)
    assert periods_on_record(tmp_path) == [Period(2016, 1), Period(2016, 2)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        (" 12 ", 12),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("12.345.678", 12345678),
        (None, None),
        ("", None),
        ("-", None),
        (0, 0),
    ],
)
def test_parse_count(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["12a", "1,5", "1.5", "1.23", -3, 2.5, "-4", True, "1.234 567"])
def test_parse_count_refuses(value: object) -> None:
    with pytest.raises(NotACountError):
        parse_count(value)


def test_parse_date() -> None:
    assert parse_date("05/07/2017") == dt.date(2017, 7, 5)
    assert parse_date(dt.datetime(2017, 7, 5, 8, 30)) == dt.date(2017, 7, 5)
    assert parse_date(None) is None
    with pytest.raises(ValueError):
        parse_date("July 5th")


def test_cell_names() -> None:
    assert column_letter(0) == "A"
    assert column_letter(25) == "Z"
    assert column_letter(26) == "AA"
    assert cell_name(6, 2) == "C7"


def test_fold_ignores_case_diacritics_spaces_and_unicode_form() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Kết nạp")
    assert fold("Kết nạp") == fold("KẾT NẠP") == fold(nfd) == fold(" ket  nap ") == "ketnap"
    assert fold("Đoàn viên") == "doanvien"
    assert fold("Thông tin") != fold("Tổ chức")


def test_vi_vn_numbers_and_dates() -> None:
    assert fmt.number(3722) == "3.722"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(Decimal("142.5")) == "142,5"
    assert fmt.percent(Decimal("73.67")) == "73,67%"
    assert fmt.percent(Decimal("37.10")) == "37,10%"
    assert fmt.percent(None) == "—"
    # Half-up, as the indicators are rounded (Babel alone rounds half-even).
    assert fmt.percent(Decimal("0.125")) == "0,13%"
    assert fmt.decimal(Decimal("2.5"), 0) == "3"
    assert fmt.date_short(dt.date(2017, 7, 5)) == "05/07/2017"


def test_identical_write_keeps_the_file_and_its_time(tmp_path) -> None:
    from pipeline.common import iorw

    path = tmp_path / "out" / "figures.csv"
    iorw.write_text(path, "a,b\n")
    first = path.stat().st_mtime_ns
    iorw.write_text(path, "a,b\n")
    assert path.stat().st_mtime_ns == first
    iorw.write_text(path, "a,c\n")
    assert path.read_text() == "a,c\n"
    assert [p.name for p in path.parent.iterdir()] == ["figures.csv"]  # no temporary file left


def test_a_cache_folder_keeps_its_most_recently_used_entries(tmp_path: Path) -> None:
    import os

    from pipeline.common import iorw

    for age, name in enumerate(["e", "d", "c", "b", "a"]):  # a is the oldest
        (tmp_path / f"{name}.json").write_text(name)
        os.utime(tmp_path / f"{name}.json", (1e9 - age, 1e9 - age))
    (tmp_path / ".f.x1y2.tmp.json").write_text("being written by another process")
    os.utime(tmp_path / ".f.x1y2.tmp.json", (1, 1))
    (tmp_path / "notes.txt").write_text("not an entry")
    iorw.mark_used(tmp_path / "a.json")  # read just now: the most recent
    iorw.mark_used(tmp_path / "gone.json")  # removed by another process meanwhile: nothing to say
    iorw.keep_most_recent(tmp_path, ".json", 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".f.x1y2.tmp.json", "a.json", "d.json", "e.json", "notes.txt"]
    iorw.keep_most_recent(tmp_path / "none", ".json", 3)  # no folder yet: no entry


def test_csv_text_cannot_become_a_formula() -> None:
    from pipeline.common.iorw import csv_safe, csv_unsafe

    for text in ('=HYPERLINK("http://x")', "+1+1", "-A1", "@SUM(A1)"):
        assert csv_safe(text).startswith("'")
        assert csv_unsafe(csv_safe(text)) == text
    for number in ("-15.94", "12", "+3"):
        assert csv_safe(number) == number  # numbers stay numbers
    assert csv_safe("Nguyễn Văn A") == "Nguyễn Văn A"


def test_content_keyed_caches_are_shared_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.common.layout import CHART_CACHE_DIR, SHARED_CACHE_VARIABLE, content_cache

    edition_dir = tmp_path / "reports" / "2017H1"
    monkeypatch.delenv(SHARED_CACHE_VARIABLE, raising=False)
    assert content_cache(edition_dir, CHART_CACHE_DIR) == edition_dir / CHART_CACHE_DIR
    monkeypatch.setenv(SHARED_CACHE_VARIABLE, " ")
    assert content_cache(edition_dir, CHART_CACHE_DIR) == edition_dir / CHART_CACHE_DIR
    monkeypatch.setenv(SHARED_CACHE_VARIABLE, str(tmp_path / "shared"))
    assert content_cache(edition_dir, CHART_CACHE_DIR) == tmp_path / "shared" / CHART_CACHE_DIR
