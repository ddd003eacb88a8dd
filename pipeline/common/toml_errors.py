"""A TOML syntax error said in Vietnamese: where it is, and what to look at there (tomllib says it in English)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def syntax_error(path: Path, error: tomllib.TOMLDecodeError) -> str:
    found = _WHERE.search(str(error))
    where = f"dòng {found.group(1)}, cột {found.group(2)}" if found else "cuối tệp"
    return (
        f"{path}: sai cú pháp TOML ở {where}. Mỗi dòng có dạng khóa = giá trị; chữ đặt trong dấu ngoặc kép "
        '("Điện Biên"), danh sách trong ngoặc vuông (["a", "b"]), tên bảng trong ngoặc vuông ([report]).'
    )
