"""Compare two builds of the same inputs made by different code: are the documents byte-identical once
the code version they record is masked?

    python tools/compare_builds.py BEFORE_REPORTS_DIR AFTER_REPORTS_DIR

For a refactoring that must not change the outputs (issue 23): build the sample with the old code and the
new (`make -j2 reports`, and a `make publish` of an edition if publishing is touched) into two folders, then
compare their REPORTS_DIRs. Each edition's `indicators.csv`, bulletin, formal report and annex, and each
published version's files, are compared byte for byte after replacing, in the "before" files, the commit and
the code digest that its manifest records with those of the "after" manifest. PDFs are compared object by
object, their streams decoded (their document ID, a digest of their bytes, aside); Office files member by
member. The manifests
themselves record the folders and the code, so they are compared without those. The executed notebooks are
not compared: papermill records timings and cell ids. Exit status 1 when a file differs.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pypdf

COMPARED = ("indicators.csv", "bulletin.html", "bulletin.pdf", "report.docx", "report.pdf", "tables.xlsx")


def _code(manifest: Path) -> dict[str, str]:
    return json.loads(manifest.read_text(encoding="utf-8"))["code"]


def _masks(before: Path, after: Path) -> list[tuple[bytes, bytes]]:
    """The "before" code's commit and digest (whole and as the 7-, 12- and 16-character prefixes a document
    may print) and the "after" code's, longest first."""
    old, new = _code(before), _code(after)
    masks = []
    for key in ("commit", "sha256"):
        for length in (len(old[key]), 16, 12, 7):
            masks.append((old[key][:length].encode(), new[key][:length].encode()))
    return masks


def _masked(data: bytes, masks: list[tuple[bytes, bytes]]) -> bytes:
    for old, new in masks:
        data = data.replace(old, new)
    return data


def _plain(found: object) -> object:
    """A PDF object as Python values: its strings decoded (the metadata is UTF-16), references by number."""
    if isinstance(found, pypdf.generic.IndirectObject):
        return ("ref", found.idnum)
    if isinstance(found, dict):
        return {str(k): _plain(v) for k, v in found.items() if k not in ("/Length", "/Filter", "/DecodeParms")}
    if isinstance(found, list):
        return [_plain(v) for v in found]
    return str(found) if isinstance(found, str) else repr(found)


def _pdf_objects(path: Path) -> list[bytes]:
    """Each object of the PDF, its stream decoded, its strings as text (the metadata sits in a compressed
    object stream, in UTF-16); the cross-reference streams (byte offsets) and the object streams (whose
    objects are compared one by one) left out."""
    reader = pypdf.PdfReader(path)
    objects = []
    for number in range(1, int(reader.trailer["/Size"])):
        found = reader.get_object(number)
        if isinstance(found, dict) and found.get("/Type") in ("/XRef", "/ObjStm"):  # offsets; objects read above
            continue
        data = repr(_plain(found)).encode()
        if isinstance(found, pypdf.generic.StreamObject):
            data += found.get_data()
        objects.append(data)
    return objects


def _differences(before: Path, after: Path, masks: list[tuple[bytes, bytes]]) -> list[str]:
    """The members that differ (`name` for a plain file)."""
    if before.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
            names = sorted(set(old.namelist()) | set(new.namelist()))
            return [
                f"{before.name}:{name}"
                for name in names
                if name not in old.namelist()
                or name not in new.namelist()
                or _masked(old.read(name), masks) != _masked(new.read(name), masks)
            ]
    if before.suffix == ".pdf":  # object by object: its document ID is a digest of its bytes
        old, new = (_pdf_objects(p) for p in (before, after))
        return [] if [_masked(o, masks) for o in old] == new else [before.name]
    return [] if _masked(before.read_bytes(), masks) == _masked(after.read_bytes(), masks) else [before.name]


def _manifest_differences(before: Path, after: Path) -> list[str]:
    """What the manifests say differently besides the code and the folders: parameters, libraries, inputs."""
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (before, after))
    keys = ("libraries", "inputs")
    return [f"manifest.json:{key}" for key in keys if old.get(key) != new.get(key)]


def compare(before_reports: Path, after_reports: Path) -> int:
    folders = sorted(p.parent.relative_to(before_reports) for p in before_reports.rglob("manifest.json"))
    if not folders:
        print(f"Không có bản tin nào trong {before_reports}", file=sys.stderr)
        return 1
    different = 0
    for folder in folders:
        old, new = before_reports / folder, after_reports / folder
        if not (new / "manifest.json").is_file():
            print(f"MISSING {folder}")
            different += 1
            continue
        masks = _masks(old / "manifest.json", new / "manifest.json")
        found = _manifest_differences(old / "manifest.json", new / "manifest.json")
        for name in COMPARED:
            if (old / name).is_file() or (new / name).is_file():
                if not (old / name).is_file() or not (new / name).is_file():
                    found.append(f"{name} (only on one side)")
                else:
                    found += _differences(old / name, new / name, masks)
        print(f"{'DIFFERENT' if found else 'identical'} {folder}" + "".join(f"\n  {f}" for f in found))
        different += bool(found)
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
