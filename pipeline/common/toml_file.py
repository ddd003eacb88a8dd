"""Reading an analyst's TOML file (province.toml, form.toml): its mistakes said in Vietnamese, with where they
are and what to look at there (tomllib says them in English)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pipeline.common.errors import UserError

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"{path}: tệp không ở mã UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(_syntax_error(path, error)) from None


def _syntax_error(path: Path, error: tomllib.TOMLDecodeError) -> str:
    found = _WHERE.search(str(error))
    where = f"dòng {found.group(1)}, cột {found.group(2)}" if found else "cuối tệp"
    return (
        f"{path}: sai cú pháp TOML ở {where}. Mỗi dòng có dạng khóa = giá trị; chữ đặt trong dấu ngoặc kép "
        '("Điện Biên"), danh sách trong ngoặc vuông (["a", "b"]), tên bảng trong ngoặc vuông ([report]).'
    )
