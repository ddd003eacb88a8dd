"""The analysts' commentary of an edition: `$(RAW_DIR)/commentary/<E>.md` (SPEC 8).

Markdown (CommonMark), with placeholders that are lookups into the edition's indicators, printed in
vi-VN: `{{ province.term_to_date.admitted }}`, `{{ units.DBP.name }}`, `{{ units["X-01"].period.admitted }}`,
`{{ kinds.district.term_to_date.target_pct }}`, `{{ edition.label }}`. The placeholders are parsed by
Jinja2's sandboxed environment and then only looked up, never evaluated: anything else (a call, a filter,
an attribute trick, a block, an include) is refused with the file and line. Raw HTML prints as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from pipeline.common import fmt
from pipeline.common.errors import UserError
from pipeline.common.layout import COMMENTARY_DIR
from pipeline.common.periods import Edition
from pipeline.common.text import did_you_mean
from pipeline.documents.content import markdown
from pipeline.documents.content.markdown import placeholder
from pipeline.documents.content.model import Block
from pipeline.indicators.table import PROVINCE, Indicators, kind_scope
from pipeline.intake.reference import Reference

MAX_BYTES = 1_000_000  # a commentary is a few pages; a larger file is a mistake, refused before reading it
UNKNOWN = "[?]"


def path_of(raw_dir: Path, edition: Edition | str) -> Path:
    return Path(raw_dir) / COMMENTARY_DIR / f"{edition}.md"


@dataclass
class Commentary:
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)  # with DRAFT=1, what would have been an error


def load(raw_dir: Path, edition: Edition, ind: Indicators, reference: Reference, draft: bool) -> Commentary:
    """The commentary of `edition` as blocks, its placeholders replaced; no blocks when there is none."""
    path = path_of(raw_dir, edition)
    if not path.is_file():
        return Commentary([])
    if path.stat().st_size > MAX_BYTES:
        raise UserError(
            f"{path}: tệp lời bình quá lớn ({fmt.number(path.stat().st_size)} byte; tối đa {fmt.number(MAX_BYTES)})."
        )
    try:
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise UserError(f"{path}, dòng {line}: tệp không ở mã UTF-8 (hãy lưu lại với mã UTF-8).") from None
    resolver = _Resolver(path, edition, ind, reference, draft)
    text, values = _substitute(path, source, resolver)
    if resolver.errors:
        raise UserError(_all_errors(path, resolver.errors))
    return Commentary(markdown.blocks(text, values), resolver.warnings)


def _all_errors(path: Path, errors: list[str]) -> str:
    """Every mistake of a commentary in one message, each with its line: one edit fixes them all."""
    if len(errors) == 1:
        return errors[0]
    return f"{path}: {len(errors)} lỗi trong tệp lời bình:\n" + "\n".join(f"  - {error}" for error in errors)


def _substitute(path: Path, source: str, resolver: _Resolver) -> tuple[str, list[str]]:
    """The Markdown with each placeholder replaced by a marker, and the markers' printed values."""
    environment = SandboxedEnvironment(keep_trailing_newline=True, autoescape=False)
    try:
        template = environment.parse(source)
    except TemplateSyntaxError as error:
        raise UserError(
            f"{path}, dòng {error.lineno}: chỗ điền số liệu viết sai: mỗi chỗ mở bằng {{{{ và đóng bằng }}}}, bên "
            "trong là một tên tra cứu, ví dụ {{ province.term_to_date.admitted }}."
        ) from None
    parts: list[str] = []
    values: list[str] = []
    for node in template.body:
        if not isinstance(node, nodes.Output):
            resolver.errors.append(f"{path}, dòng {node.lineno}: {_REFUSED}")
            continue
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append(child.data)
                continue
            parts.append(placeholder(len(values)))
            try:
                lookup = _lookup_path(path, child)
            except UserError as refused:
                resolver.errors.append(str(refused))
                values.append(UNKNOWN)
                continue
            values.append(resolver.value(lookup, child.lineno))
    return "".join(parts), values


_REFUSED = (
    "chỉ được ghi chỗ điền số liệu dạng tra cứu, ví dụ {{ province.term_to_date.admitted }} hoặc "
    "{{ units.DBP.name }}; không được gọi hàm, dùng bộ lọc, vòng lặp, điều kiện hay chèn tệp khác."
)


def _lookup_path(path: Path, node: nodes.Node) -> list[str]:
    """`units["X-01"].period.admitted` → ["units", "X-01", "period", "admitted"]; anything but names,
    attributes and string keys is refused."""
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return [node.name]
    if isinstance(node, nodes.Getattr):
        return [*_lookup_path(path, node.node), node.attr]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return [*_lookup_path(path, node.node), node.arg.value]
    raise UserError(f"{path}, dòng {node.lineno}: {_REFUSED}")


NAMES = ("province", "units", "kinds", "edition")


class _Resolver:
    def __init__(self, path: Path, edition: Edition, ind: Indicators, reference: Reference, draft: bool) -> None:
        self.path, self.edition, self.ind, self.reference, self.draft = path, edition, ind, reference, draft
        self.warnings: list[str] = []
        self.errors: list[str] = []  # every mistake, each with its line, raised together after the last one
        self.windows = {w for _, w, _ in (key for key, _ in ind.items())}
        self.indicators = {i for _, _, i in (key for key, _ in ind.items())}

    def value(self, parts: list[str], line: int) -> str:
        try:
            return self._value(parts)
        except LookupError as error:
            message = f"{self.path}, dòng {line}: {{{{ {'.'.join(parts)} }}}}: {error.args[0]}"
            (self.warnings if self.draft else self.errors).append(message)
            return UNKNOWN

    def _value(self, parts: list[str]) -> str:
        head, rest = parts[0], parts[1:]
        if head == "edition" and rest == ["label"]:
            return self.edition.label_vi()
        if head == "province":
            return self._figure(PROVINCE, rest)
        if head == "units" and rest:
            code = rest[0]
            if code not in self.reference.units:
                raise LookupError(
                    f"không có đơn vị mã {code!r}{did_you_mean(code, self.reference.units.keys()) or ' trong units.csv'}"
                )
            if rest[1:] == ["name"]:
                return self.reference.units[code].name
            return self._figure(code, rest[1:])
        if head == "kinds" and rest:
            if rest[0] not in self.reference.kinds:
                hint = did_you_mean(rest[0], self.reference.kinds) or f" (các loại: {', '.join(self.reference.kinds)})"
                raise LookupError(f"không có loại đơn vị {rest[0]!r}{hint}")
            if rest[1:] == ["label"]:
                return self.reference.kinds[rest[0]]
            return self._figure(kind_scope(rest[0]), rest[1:])
        raise LookupError(f"không có tên này{did_you_mean(head, NAMES)}; dùng province, units, kinds hoặc edition")

    def _figure(self, scope: str, rest: list[str]) -> str:
        if len(rest) != 2:
            raise LookupError("cần ghi phạm vi và chỉ tiêu, ví dụ .term_to_date.admitted")
        window, indicator = rest
        if window not in self.windows:
            hint = did_you_mean(window, self.windows) or " (period, year_to_date, term_to_date)"
            raise LookupError(f"không có phạm vi {window!r}{hint}")
        if indicator not in self.indicators:
            raise LookupError(
                f"không có chỉ tiêu {indicator!r}{did_you_mean(indicator, self.indicators) or ' trong indicators.csv'}"
            )
        value = self.ind.get(scope, window, indicator)
        if value is None:  # a figure that exists but cannot be computed here (a target not set)
            return fmt.NOT_COMPUTABLE_TEXT
        return fmt.percent(value) if indicator.endswith("_pct") else fmt.number(value)  # type: ignore[arg-type]


STARTER = """\
## Đánh giá chung

Trong {{ edition.label }}, toàn tỉnh kết nạp {{ province.period.admitted }} đảng viên, đạt
{{ province.period.target_pct }} chỉ tiêu; tính từ đầu nhiệm kỳ đã kết nạp {{ province.term_to_date.admitted }}
đảng viên, đạt {{ province.term_to_date.target_pct }} chỉ tiêu tỉnh giao. Đoàn viên thanh niên chiếm
{{ province.period.youth_union_pct }}, nữ {{ province.period.women_pct }}, người dân tộc thiểu số
{{ province.period.ethnic_minority_pct }} số đảng viên mới kết nạp trong kỳ.

(Ghi đánh giá của Ban Tổ chức: kết quả nổi bật, đơn vị làm tốt, cách làm hay.)

## Hạn chế, nguyên nhân

(Ghi hạn chế và nguyên nhân.) Toàn tỉnh còn {{ province.term_to_date.villages_no_member_end }} thôn, bản chưa
có đảng viên và {{ province.term_to_date.villages_joint_end }} thôn, bản chưa có chi bộ, phải sinh hoạt ghép.

## Nhiệm vụ thời gian tới

- (Ghi nhiệm vụ, giải pháp.)
"""
_STARTER_HELP = (
    "Số liệu viết bằng chỗ điền, ví dụ {{ province.term_to_date.admitted }}, {{ units.DBP.period.target_pct }}, "
    "{{ kinds.district.term_to_date.target_pct }}, {{ units.DBP.name }}: xem hướng dẫn sử dụng, trang «Viết nhận định» (docs/huong-dan/nhan-dinh.md)."
)


def write_starter(raw_dir: Path, reports_dir: Path, edition: Edition) -> int:
    """`make commentary`: a starting file with the usual sections and the headline placeholders, never over
    one that exists. The one command that writes into the raw folder, and only this new file; where the
    raw folder is read-only, the file goes to the edition's report folder instead, and it says so."""
    import os
    import sys

    from pipeline.common import iorw

    target = path_of(raw_dir, edition)
    if target.exists():
        print(f"Đã có tệp lời bình {target}; không ghi đè. Sửa trực tiếp tệp đó.", file=sys.stderr)
        return 0
    try:
        target.parent.mkdir(exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # `x`: never over a file made meanwhile
            handle.write(STARTER)
    except OSError as error:
        if not isinstance(error, PermissionError) and os.access(target.parent.parent, os.W_OK):
            raise
        fallback = Path(reports_dir) / str(edition) / "commentary.md"
        if fallback.exists():
            print(f"Thư mục dữ liệu chỉ đọc; đã có {fallback}, không ghi đè.", file=sys.stderr)
            return 0
        iorw.write_text(fallback, STARTER)
        print(
            f"Thư mục dữ liệu {raw_dir} chỉ đọc, không ghi được {target}. Đã ghi tệp lời bình ban đầu vào {fallback}; "
            f"khi sửa xong, hãy chép vào {target} (nhờ người quản lý thư mục dữ liệu) để bản tin dùng đến.",
            file=sys.stderr,
        )
        return 0
    print(f"Đã tạo tệp lời bình {target}. {_STARTER_HELP}", file=sys.stderr)
    return 0
