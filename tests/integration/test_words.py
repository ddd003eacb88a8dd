"""Issue 22, words not codes: every chart draws and names the window asked for, stating that window's rows of
indicators.csv; what reaches a reader names half-years, years and windows in words, with no half-year code,
no `dirty`, no return file path. The readers' texts and `assert_in_words` are in tests/readers.py, shared with
test_publishing (index.html, diff.html, a build from changed code) and test_reorganised_province (the 123-unit
province)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.common import fmt
from pipeline.common.errors import CellArgumentError
from pipeline.documents.compose import bulletin_parts, charts, edition
from pipeline.documents.compose.charting import picture
from pipeline.indicators.table import PROVINCE, Indicators
from pipeline.intake import forms
from tests.conftest import SAMPLE_RAW
from tests.readers import NOT_FOR_READERS, assert_in_words, html_reader_text, reader_texts

EDITION = "2017H1"
# The windows of the sample's 2017H1 (its term starts in 2016H1), as the documents must say them.
WORDS = {
    "period": "6 tháng đầu năm 2017",
    "year_to_date": "từ đầu năm 2017 đến hết tháng 6-2017",
    "term_to_date": "từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)",
}
EDGES = {  # the villages chart's legend: the window's start and end
    "period": ("Đầu năm 2017", "Cuối tháng 6-2017"),
    "year_to_date": ("Đầu năm 2017", "Cuối tháng 6-2017"),
    "term_to_date": ("Đầu năm 2016", "Cuối tháng 6-2017"),
}
WINDOWED = (charts.composition, charts.by_organization, charts.admissions_vs_target, charts.villages)


@pytest.fixture(scope="module")
def data(sample_build: Path) -> edition.EditionData:
    loaded = edition.load(EDITION, SAMPLE_RAW, sample_build / "processed", sample_build / "reports")
    loaded.chart_cache = None  # drawn here, never read from (or written to) the build's cache
    return loaded


@pytest.fixture(scope="module")
def indicators(sample_build: Path) -> Indicators:
    return Indicators.read(sample_build / "reports" / EDITION / "indicators.csv")


def _texts(figure: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]  # type: ignore[attr-defined]


def _title(figure: object) -> str:
    suptitle = figure.get_suptitle()  # type: ignore[attr-defined]
    return suptitle or figure.axes[0].get_title(loc="left")  # type: ignore[attr-defined]


def _stated(chart_name: str, window: str, ind: Indicators, data: edition.EditionData) -> list[str]:
    """The figures of `window` the chart's text alternative must state, formatted as the documents do."""
    get = lambda scope, name: ind.get(scope, window, name)  # noqa: E731
    if chart_name == "composition":
        return [fmt.percent(get(PROVINCE, f"{code}_pct")) for code in charts.COMPOSITION]
    if chart_name == "by_organization":
        return [
            f"{forms.ROW_BY_CODE[c].label} {fmt.number(get(PROVINCE, c))} ({fmt.percent(get(PROVINCE, f'{c}_pct'))})"
            for c in forms.BREAKDOWNS["organization"]
        ]
    if chart_name == "admissions_vs_target":
        units = [c for c in ind.unit_scopes() if get(c, "target_pct") is not None]
        return [f"{charts.short_name(data.unit_name(c))} {fmt.percent(get(c, 'target_pct'))}" for c in units]
    start, end = (EDGE.lower() for EDGE in EDGES[window])
    return [
        f"từ {fmt.number(get(PROVINCE, f'{stem}_start'))} ({start}) xuống {fmt.number(get(PROVINCE, f'{stem}_end'))} "
        f"({end})"
        for stem in ("villages_no_member", "villages_joint")
    ]


@pytest.mark.parametrize("window", list(WORDS))
@pytest.mark.parametrize("draw", WINDOWED, ids=lambda f: f.__name__)
def test_a_chart_says_the_window_it_draws_and_its_figures(
    draw: object, window: str, data: edition.EditionData, indicators: Indicators
) -> None:
    chart = draw(data, window=window)  # type: ignore[operator]
    words = WORDS[window]
    title = _title(chart.figure)
    assert words[0].upper() + words[1:] in title, title
    assert words in chart.alt and words in chart.caption, (chart.alt, chart.caption)
    for other in set(WORDS) - {window}:
        if WORDS[other] not in words:
            assert WORDS[other] not in chart.alt and WORDS[other] not in title
    stated = _stated(draw.__name__, window, indicators, data)  # type: ignore[attr-defined]
    assert stated and all(s in chart.alt for s in stated), (stated, chart.alt)
    drawn = _texts(chart.figure)
    if draw is charts.villages:
        assert all(edge in drawn for edge in EDGES[window]), drawn
    if draw is charts.composition:  # the bars' labels are the window's shares
        shares = [fmt.percent(indicators.get(PROVINCE, window, f"{c}_pct")) for c in charts.COMPOSITION]
        assert all(share in drawn for share in shares), (shares, drawn)
    if draw is charts.by_organization:  # and the window's counts
        counted = [
            f"{fmt.number(indicators.get(PROVINCE, window, c))} ({fmt.percent(indicators.get(PROVINCE, window, c + '_pct'))})"
            for c in forms.BREAKDOWNS["organization"]
        ]
        assert all(label in drawn for label in counted), (counted, drawn)
    assert not [t for t in [title, chart.alt, chart.caption, *drawn] if NOT_FOR_READERS.search(t)]


def test_the_half_year_and_the_term_are_different_figures(data: edition.EditionData) -> None:
    """The sample's half-year and term differ, so the test above tells a chart of the wrong window."""
    for draw in WINDOWED:
        assert draw(data, window="period").alt != draw(data, window="term_to_date").alt, draw.__name__


@pytest.mark.parametrize("draw", WINDOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("window", ["term", "nhiem_ky", "", "PERIOD"])
def test_an_unknown_window_is_the_analysts_error_naming_the_three(
    draw: object, window: str, data: edition.EditionData
) -> None:
    with pytest.raises(CellArgumentError) as refused:
        draw(data, window=window)  # type: ignore[operator]
    said = str(refused.value)
    assert all(f'"{name}"' in said for name in WORDS) and repr(window) in said, said


def test_the_samples_documents_say_periods_in_words(sample_build: Path) -> None:
    reports = sample_build / "reports"
    texts = reader_texts(reports / EDITION)
    assert_in_words(texts | {"index.html": html_reader_text(reports / "index.html")})
    for name in ("bulletin.html", "bulletin.pdf", "report.pdf", "report.docx"):
        assert "Từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)" in texts[name], name
    # The data notes name the late unit and its half-year, in words; the validation page is pointed to.
    notes = texts["bulletin.html"][texts["bulletin.html"].index("Ghi chú về số liệu") :]
    assert "Báo cáo nộp muộn: Đảng bộ huyện Mường Nhé (6 tháng cuối năm 2016, lập ngày 12/02/2017)" in notes
    assert "validation.html" in notes and "SHA-256" not in notes and "Thông tin!" not in notes
    assert "Qua các kỳ — 6 tháng đầu năm 2017" in texts["tables.xlsx"]
    assert "Chỉ tiêu nhiệm kỳ — Từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết tháng 6-2017)" in texts["tables.xlsx"]


def test_the_year_edition_says_its_windows_in_words(sample_build: Path) -> None:
    texts = reader_texts(sample_build / "reports" / "2016")
    assert_in_words(texts)
    assert "Từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết năm 2016)" in texts["bulletin.html"]


def test_the_data_notes_state_a_warning_in_words_without_its_place() -> None:
    message = "«Thôn, bản chưa có đảng viên» khác số cuối kỳ 12 của cùng đơn vị (returns/2016H2/DBP.xlsx, Tổ chức!C4)."
    said = bulletin_parts.for_readers(message)
    assert said == "«Thôn, bản chưa có đảng viên» khác số cuối kỳ 12 của cùng đơn vị."
    assert bulletin_parts.for_readers("Đơn vị không còn báo cáo trong kỳ 2025H2.") == (
        "Đơn vị không còn báo cáo trong kỳ 6 tháng cuối năm 2025."
    )
    assert bulletin_parts.for_readers("Kỳ báo cáo trong tệp khác kỳ của thư mục returns/2017H1.") == (
        "Kỳ báo cáo trong tệp khác kỳ của thư mục 6 tháng đầu năm 2017."
    )
    duplicated = "Đơn vị DBP có nhiều báo cáo trong kỳ: returns/2017H1/DBP.xlsx, returns/2017H1/DBP (1).ods."
    assert bulletin_parts.for_readers(duplicated) == "Đơn vị DBP có nhiều báo cáo trong kỳ."


def test_the_table_of_labels() -> None:
    from pipeline.common import labels
    from pipeline.common.periods import parse, parse_edition

    h1, h2 = parse("2017H1"), parse("2016H2")
    assert (labels.half_year(h1), labels.half_year(h2)) == ("6 tháng đầu năm 2017", "6 tháng cuối năm 2016")
    assert (labels.year(2016), labels.edition(parse_edition("2016"))) == ("năm 2016", "năm 2016")
    assert (labels.start_edge(parse("2016H1")), labels.end_edge(h1)) == ("đầu năm 2016", "cuối tháng 6-2017")
    assert (labels.start_edge(h2), labels.end_edge(h2)) == ("đầu tháng 7-2016", "cuối năm 2016")
    assert labels.span(parse("2016H1"), h1) == "từ đầu năm 2016 đến hết tháng 6-2017"
    assert labels.span(h2, parse("2017H2")) == "từ tháng 7-2016 đến hết năm 2017"
    second = parse_edition("2017H2")
    assert [labels.window_words(w, second, parse("2016H1")) for w in WORDS] == [
        "6 tháng cuối năm 2017",
        "cả năm 2017",
        "từ đầu nhiệm kỳ (từ đầu năm 2016 đến hết năm 2017)",
    ]
    assert [labels.window_name(w) for w in WORDS] == ["trong kỳ", "từ đầu năm", "từ đầu nhiệm kỳ"]


def test_a_chart_cell_with_an_unknown_window_is_the_analysts_error(tmp_path: Path) -> None:
    """Run in a notebook, the error names the notebook, the cell and the three windows; no traceback."""
    import nbformat

    from pipeline.common.errors import StageFailed
    from pipeline.execution.runner import run_notebook

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(
            "from pipeline.common import labels\nlabels.window_words('nhiem_ky', None, None)  # a chart's window"
        ),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "phan_tich.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(StageFailed) as failed:
        run_notebook(path, tmp_path / "out" / "phan_tich.ipynb", {})
    said = str(failed.value)
    assert said.startswith("Lỗi trong sổ phan_tich.ipynb, ô số 2 (bắt đầu bằng `from pipeline.common import labels`)")
    assert all(f'"{name}"' in said for name in WORDS) and "Traceback" not in said and "Lỗi chương trình" not in said


def test_the_data_notes_group_warnings_by_what_they_say_naming_units_and_half_years() -> None:
    from types import SimpleNamespace

    from pipeline.intake.problems import ERROR, WARNING, Problem

    def problem(severity: str, period: str, unit: str, message: str, rule: str) -> Problem:
        return Problem(severity, period, unit, f"returns/{period}/{unit}.xlsx", "Tổ chức", "C4", "", "", message, rule)

    same = "Chưa có chỉ tiêu kết nạp của đơn vị; tỷ lệ so với chỉ tiêu không tính được."
    data = SimpleNamespace(
        problems=[
            problem(WARNING, "2025H2", "X01", same, "target-missing"),
            problem(WARNING, "2025H2", "X02", same, "target-missing"),
            problem(ERROR, "2025H2", "X03", "Chưa nhận được báo cáo của đơn vị.", "return-missing"),
            problem(WARNING, "2025H1", "X01", "Ô chứa công thức (returns/2025H1/X01.xlsx, Kết nạp!C3).", "formula"),
        ],
        unit_name=lambda code: f"Đảng bộ xã {code}",
    )
    items = bulletin_parts._problem_items(data)  # type: ignore[arg-type]
    assert [[run.text for run in item] for item in items] == [
        [f"Cảnh báo: {same} (Đảng bộ xã X01, 6 tháng cuối năm 2025; Đảng bộ xã X02, 6 tháng cuối năm 2025)"],
        ["Cảnh báo: Ô chứa công thức. (Đảng bộ xã X01, 6 tháng đầu năm 2025)"],
    ]


def test_a_chart_from_the_cache_is_kept_as_recently_used(
    sample_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each changed figure gives the charts new keys: the cache keeps the most recently used pictures only
    (`picture.keep_recent`, after each documents build), a picture read from it counting as used."""
    loaded = edition.load(EDITION, SAMPLE_RAW, sample_build / "processed", sample_build / "reports")
    loaded.chart_cache = tmp_path / "charts"
    charts.composition(loaded, "period")
    (entry,) = loaded.chart_cache.iterdir()
    os.utime(entry, (1, 1))
    stale = loaded.chart_cache / ("0" * 32 + ".json")  # an older edition's picture, say
    stale.write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(stale, (2, 2))
    assert charts.composition(loaded, "period").alt  # from the cache
    assert entry.stat().st_mtime > 2
    monkeypatch.setattr(picture, "KEPT", 1)
    picture.keep_recent(loaded.chart_cache)
    assert list(loaded.chart_cache.iterdir()) == [entry]
