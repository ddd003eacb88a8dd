"""The analysts' commentary (SPEC 8): placeholders are lookups only, bad files are named with their line,
hostile text stays text in every document, and `make commentary` never overwrites."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline.common import fmt
from pipeline.common.errors import UserError
from pipeline.common.layout import CHART_CACHE_DIR, DOCUMENTS_STAMP, SHARED_CACHE_VARIABLE
from pipeline.common.periods import parse_edition
from pipeline.documents.compose import commentary
from pipeline.indicators.table import Indicators
from pipeline.intake.reference import load_reference
from tests.conftest import SAMPLE_RAW, make
from tests.readers import docx_text, pdf_text

EDITION = parse_edition("2017H1")

# Each bad commentary, and what the message must say (with the file's name, and the line where there is one).
BAD = {
    # As Excel or Notepad saves it on a Vietnamese Windows: Windows-1258, not UTF-8; the first line is ASCII.
    "not_utf8": (b"Danh gia\n\n" + "Kêt nap tôt\n".encode("cp1258"), "dòng 3: tệp không ở mã UTF-8"),
    "call": ("Số: {{ province.term_to_date.admitted() }}\n", "dòng 1: chỉ được ghi chỗ điền số liệu dạng tra cứu"),
    "filter": ("\n\n{{ province.period.admitted | upper }}\n", "dòng 3: chỉ được ghi"),
    "attribute_trick": ("{{ units.__class__.__mro__ }}\n", "dòng 1: {{ units.__class__.__mro__ }}: không có đơn vị"),
    "loop": ("{% for u in units %}{{ u }}{% endfor %}\n", "dòng 1: chỉ được ghi"),
    "include": ("Mở đầu.\n{% include '/etc/passwd' %}\n", "dòng 2: chỉ được ghi"),
    "arithmetic": ("{{ province.period.admitted + 1 }}\n", "dòng 1: chỉ được ghi"),
    "unknown_indicator": (
        "Tốt.\n\n{{ province.period.admited }}\n",
        "dòng 3: {{ province.period.admited }}: không có chỉ tiêu",
    ),
    "unknown_unit": (
        "{{ units.XYZ.period.admitted }}\n",
        "dòng 1: {{ units.XYZ.period.admitted }}: không có đơn vị mã 'XYZ'",
    ),
    "unknown_window": (
        "{{ province.last_year.admitted }}\n",
        "dòng 1: {{ province.last_year.admitted }}: không có phạm vi",
    ),
    "unknown_name": ("{{ tinh.period.admitted }}\n", "dòng 1: {{ tinh.period.admitted }}: không có tên này"),
    "broken_syntax": ("Số {{ province.period.admitted\n", "dòng 1: chỗ điền số liệu viết sai"),
}


@pytest.fixture(scope="module")
def inputs(sample_build: Path) -> tuple[Indicators, object]:
    return Indicators.read(sample_build / "reports" / "2017H1" / "indicators.csv"), load_reference(SAMPLE_RAW)


def _raw_with(tmp_path: Path, content: str | bytes) -> Path:
    raw = tmp_path / "raw"
    (raw / "commentary").mkdir(parents=True)
    path = raw / "commentary" / "2017H1.md"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return raw


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_commentary_is_named_with_its_line(case: str, inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    content, said = BAD[case]
    raw = _raw_with(tmp_path, content)
    ind, reference = inputs
    with pytest.raises(UserError) as refused:
        commentary.load(raw, EDITION, ind, reference, draft=False)
    message = str(refused.value)
    assert message.startswith(f"{raw / 'commentary' / '2017H1.md'}") and said in message, message


def test_a_huge_commentary_is_refused_before_it_is_read(inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_with(tmp_path, "")
    with (raw / "commentary" / "2017H1.md").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB
    with pytest.raises(UserError, match=r"2017H1\.md: tệp lời bình quá lớn"):
        commentary.load(raw, EDITION, *inputs, draft=False)


def test_a_draft_shows_what_it_cannot_fill(inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_with(tmp_path, "Có {{ province.period.admited }} và {{ province.period.admitted }} đảng viên.\n")
    found = commentary.load(raw, EDITION, *inputs, draft=True)
    ind, _ = inputs
    assert (
        found.blocks[0].html()
        == f'<p class="commentary">Có [?] và {fmt.number(ind.get("province", "period", "admitted"))} đảng viên.</p>'
    )
    assert len(found.warnings) == 1 and "dòng 1" in found.warnings[0]


def test_placeholders_of_every_kind(inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ind, reference = inputs
    raw = _raw_with(
        tmp_path,
        '## {{ edition.label }}\n\n{{ units["DBP"].name }}: {{ units.DBP.period.admitted }}; '
        "{{ kinds.district.term_to_date.target_pct }}; {{ province['2016H1'].admitted }}; **{{ province.period.target_pct }}**\n",
    )
    heading, paragraph = commentary.load(raw, EDITION, ind, reference, draft=False).blocks
    assert heading.text == "6 tháng đầu năm 2017"
    assert "".join(r.text for r in paragraph.runs) == (
        f"Đảng bộ thành phố Điện Biên Phủ: {fmt.number(ind.get('DBP', 'period', 'admitted'))}; "
        f"{fmt.percent(ind.get('kind:district', 'term_to_date', 'target_pct'))}; "
        f"{fmt.number(ind.get('province', '2016H1', 'admitted'))}; {fmt.percent(ind.get('province', 'period', 'target_pct'))}"
    )
    assert paragraph.runs[-1].bold


SCRIPT, FORMULA = "<script>alert(1)</script>", '=HYPERLINK("http://x","bấm")'


def test_hostile_text_stays_text_in_every_document(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    (raw / "commentary" / "2017H1.md").write_text(
        f"## Đánh giá {SCRIPT}\n\n{FORMULA} và <b>đậm</b>.\n", encoding="utf-8"
    )
    units = raw / "units.csv"
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    units.write_text(units.read_text(encoding="utf-8").replace("Đảng bộ huyện Mường Nhé", quoted), encoding="utf-8")
    make("report", "PERIOD=2017H1", raw=raw, out=tmp_path)
    report = tmp_path / "reports" / "2017H1"
    html = (report / "bulletin.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<b>đậm</b>" not in html
    for text in (pdf_text(report / "bulletin.pdf"), pdf_text(report / "report.pdf"), docx_text(report / "report.docx")):
        assert SCRIPT in text and FORMULA in text and "<b>đậm</b>" in text
    book = openpyxl.load_workbook(report / "tables.xlsx")
    named = [c for row in book["Chỉ tiêu trong kỳ"].iter_rows() for c in row if c.value == FORMULA]
    assert named and all(c.data_type == "s" for c in named)  # a name, never a formula


def test_a_bad_commentary_stops_the_report_with_its_message_only(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    (raw / "commentary" / "2017H1.md").write_text("Tốt.\n{{ province.period.admited }}\n", encoding="utf-8")
    result = make("report", "PERIOD=2017H1", raw=raw, out=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "2017H1.md, dòng 2: {{ province.period.admited }}: không có chỉ tiêu" in result.stderr
    report = tmp_path / "reports" / "2017H1"
    assert not (report / "bulletin.html").exists() and not (report / DOCUMENTS_STAMP).exists()
    drafted = make("report", "PERIOD=2017H1", "DRAFT=1", raw=raw, out=tmp_path)
    assert "[CẢNH BÁO]" in drafted.stderr and "[?]" in docx_text(report / "report.docx")


def test_a_changed_commentary_reruns_only_the_documents(
    sample_build: Path, raw_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = raw_copy
    out = tmp_path / "out"
    monkeypatch.delenv(SHARED_CACHE_VARIABLE)  # the edition's own chart cache, as an analyst's
    shutil.copytree(sample_build / "processed", out / "processed")
    make("report", "PERIOD=2017H1", raw=raw, out=out)
    report = out / "reports" / "2017H1"

    def times() -> dict[str, int]:
        return {p.relative_to(report).as_posix(): p.stat().st_mtime_ns for p in report.rglob("*") if p.is_file()}

    before = times()
    notes = raw / "commentary" / "2017H1.md"
    words = notes.read_text(encoding="utf-8")
    # A mistake first: the report stops, and takes neither the indicators nor the last documents with it.
    notes.write_text(words + "\nCòn {{ province.period.no_such_figure }} thôn.\n", encoding="utf-8")
    failed = make("report", "PERIOD=2017H1", raw=raw, out=out, check=False)
    assert failed.returncode != 0 and "no_such_figure" in failed.stderr and "Deleting" not in failed.stderr
    kept = {name: when for name, when in before.items() if name not in (".commentary.sha256", DOCUMENTS_STAMP)}
    assert {name: when for name, when in times().items() if name in kept} == kept
    assert DOCUMENTS_STAMP not in times()  # the documents are made again next time
    notes.write_text(words + "\nThêm một câu.\n", encoding="utf-8")
    result = make("report", "PERIOD=2017H1", raw=raw, out=out)
    assert "Tính chỉ tiêu" not in result.stderr and "Làm sạch" not in result.stderr
    after = times()
    # make touches every output of a report; the indicators' stage itself did not run.
    assert after["notebooks/02_indicators.ipynb"] == before["notebooks/02_indicators.ipynb"]
    assert after[".indicators.stamp"] == before[".indicators.stamp"]
    assert after["report.docx"] != before["report.docx"] and "Thêm một câu." in docx_text(report / "report.docx")
    # Nor was the annex written again: it holds no commentary. A unit renamed in units.csv, it is.
    assert after[".annex.stamp"] == before[".annex.stamp"]
    # Nor was any chart drawn again: each was found in the cache the first report filled.
    charts = {name for name in before if name.startswith(f"{CHART_CACHE_DIR}/")}
    assert charts and {name for name in after if name.startswith(f"{CHART_CACHE_DIR}/")} == charts
    units = raw / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("huyện Mường Nhé", "huyện Mường Nhé (mới)"))
    make("report", "PERIOD=2017H1", raw=raw, out=out)
    assert times()[".annex.stamp"] != after[".annex.stamp"]
    book = openpyxl.load_workbook(report / "tables.xlsx")
    assert any(c.value == "Đảng bộ huyện Mường Nhé (mới)" for row in book["Chỉ tiêu trong kỳ"].iter_rows() for c in row)


def test_make_commentary_starts_a_file_and_never_overwrites(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    make("commentary", "PERIOD=2016H2", raw=raw, out=tmp_path)
    written = raw / "commentary" / "2016H2.md"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("## Đánh giá chung") and "{{ province.term_to_date.admitted }}" in text
    written.write_text("Của tôi.\n", encoding="utf-8")
    said = make("commentary", "PERIOD=2016H2", raw=raw, out=tmp_path).stderr
    assert "không ghi đè" in said and written.read_text(encoding="utf-8") == "Của tôi.\n"
    make("report", "PERIOD=2016H2", raw=raw, out=tmp_path)  # the starting file fills in as it is


def test_make_commentary_on_a_read_only_raw_folder(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    command = [
        "unshare",
        "-m",
        "bash",
        "-c",
        f"mount --bind '{raw}' '{raw}' && mount -o remount,bind,ro '{raw}' && make \"$@\"",
        "make",
    ]
    command += [
        "--no-print-directory",
        "commentary",
        "PERIOD=2016H2",
        f"RAW_DIR={raw}",
        f"REPORTS_DIR={tmp_path / 'reports'}",
    ]
    command += [f"PROCESSED_DIR={tmp_path / 'processed'}"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert "chỉ đọc" in result.stderr and not (raw / "commentary" / "2016H2.md").exists()
    assert (
        (tmp_path / "reports" / "2016H2" / "commentary.md").read_text(encoding="utf-8").startswith("## Đánh giá chung")
    )


def test_make_lab_binds_the_notebooks_to_the_edition_and_folders(tmp_path: Path) -> None:
    """The parameters' defaults come from the make variables (local.mk included): `make -n` shows them."""
    root = Path(__file__).resolve().parents[2]
    (tmp_path / "local.mk").write_text(
        f"RAW_DIR = {SAMPLE_RAW}\nREPORTS_DIR = {tmp_path / 'reports'}\n", encoding="utf-8"
    )
    command = ["make", "--no-print-directory", "-n", "-f", str(root / "Makefile"), "-f", str(tmp_path / "local.mk")]
    said = subprocess.run([*command, "lab", "PERIOD=2016"], capture_output=True, text=True, cwd=root).stdout
    for setting in ("BANTIN_EDITION='2016'", "BANTIN_HALF_YEAR='2016H2'", f"BANTIN_RAW_DIR='{SAMPLE_RAW}'"):
        assert setting in said, said
    assert f"BANTIN_REPORTS_DIR='{tmp_path / 'reports'}'" in said
    import json

    parameters = next(
        c
        for c in json.loads((root / "notebooks" / "04_report.ipynb").read_text())["cells"]
        if "parameters" in c["metadata"].get("tags", [])
    )
    assert 'os.environ.get("BANTIN_EDITION", "2017H1")' in "".join(parameters["source"])  # as committed: the sample


def test_every_mistake_is_reported_at_once_with_the_nearest_name(inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_with(
        tmp_path,
        "Kết nạp {{ province.period.admited }} người.\n\n{{ units.DBB.name }} đạt {{ province.perod.target_pct }}.\n"
        "{{ province.period.admitted | upper }}\n",
    )
    with pytest.raises(UserError) as refused:
        commentary.load(raw, EDITION, *inputs, draft=False)
    message, path = str(refused.value), raw / "commentary" / "2017H1.md"
    assert message.startswith(f"{path}: 4 lỗi"), message
    for said in (
        "dòng 1: {{ province.period.admited }}: không có chỉ tiêu 'admited' — có phải 'admitted'?",
        "dòng 3: {{ units.DBB.name }}: không có đơn vị mã 'DBB' — có phải 'DBP'?",
        "dòng 3: {{ province.perod.target_pct }}: không có phạm vi 'perod' — có phải 'period'?",
        "dòng 4: chỉ được ghi",
    ):
        assert f"{path}, {said}" in message, message


def test_a_name_far_from_any_gets_no_suggestion(inputs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_with(tmp_path, "{{ province.period.zzzzqqq }}\n")
    with pytest.raises(UserError, match=r"không có chỉ tiêu 'zzzzqqq' trong indicators\.csv$"):
        commentary.load(raw, EDITION, *inputs, draft=False)


def test_make_report_names_every_mistake_in_one_build(raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    (raw / "commentary" / "2017H1.md").write_text(
        "Tốt.\n{{ province.period.admited }}\n\n{{ province.term_to_date.womn_pct }}\n", encoding="utf-8"
    )
    result = make("report", "PERIOD=2017H1", raw=raw, out=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "2017H1.md, dòng 2: {{ province.period.admited }}: không có chỉ tiêu 'admited' — có phải 'admitted'?" in (
        result.stderr
    )
    assert "2017H1.md, dòng 4: {{ province.term_to_date.womn_pct }}: không có chỉ tiêu 'womn_pct' — có phải" in (
        result.stderr
    )
