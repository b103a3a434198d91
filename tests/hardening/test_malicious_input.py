"""Issue 7, must-show 3: malicious input is refused with a clear message naming the file, in
bounded memory, and nothing is stored (no new dataset version, no folder left in the store, no
upload left behind).

Each attack runs under ``attempt.MemoryWatch`` (sampled RSS growth and traced Python peak).
"""
from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from core.errors import ConfigError, DataImportError
from tests.hardening.attempt import attempt

RSS_LIMIT_MB = 150  # peak RSS growth during the attempt
TRACED_LIMIT_MB = 40  # Python and numpy allocations


def _workbook(path: Path) -> dict[str, bytes]:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daten")
    sheet.write_row(0, 0, ["Kanal", "Produkt", "Menge"])
    sheet.write_row(1, 0, ["web", "Tee", 2])
    book.close()
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rewrite(path: Path, parts: dict[str, bytes], replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, replace.get(name, data))


def zip_bomb(tmp: Path) -> Path:
    """sheet1.xml inflates to 300 MB of blanks (about 300 kB packed, ratio ~1000:1)."""
    path = tmp / "bombe.xlsx"
    parts = _workbook(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head, tail = parts["xl/worksheets/sheet1.xml"].split(b"<sheetData>", 1)
            fh.write(head + b"<sheetData>")
            block = b" " * (1 << 20)
            for _ in range(300):
                fh.write(block)
            fh.write(tail)
    return path


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)) + b"]>")


def entity_bomb(part: str):
    def make(tmp: Path) -> Path:
        path = tmp / f"lachen-{part.split('/')[-1].split('.')[0]}.xlsx"
        parts = _workbook(path)
        body = parts[part].split(b"?>", 1)[1]
        body = body.replace(b">Kanal<", b">&lol9;<") if b">Kanal<" in body else body.replace(b"<v>", b"<v>&lol9;", 1)
        _rewrite(path, parts, {part: LAUGHS + body})
        return path
    return make


def huge_upload(tmp: Path) -> Path:
    """210 MB (sparse: instant to make, no disk used) against the 200 MB limit."""
    path = tmp / "riesig.csv"
    with path.open("wb") as fh:
        fh.write(b"Kanal;Produkt;Menge\n")
        fh.truncate(210 * 1024 * 1024)
    return path


def wide_csv(tmp: Path) -> Path:
    """10,000 columns x 300 rows (about 15 MB)."""
    path = tmp / "breit.csv"
    header = ";".join(f"Spalte{i}" for i in range(10_000)) + "\n"
    row = ";".join("1" for _ in range(10_000)) + "\n"
    path.write_text(header + row * 300, encoding="utf-8")
    return path


def escaping_manifest(target: str):
    def make(tmp: Path) -> Path:
        folder = tmp / "kunde" / "export"
        folder.mkdir(parents=True)
        path = folder / "manifest.yaml"
        path.write_text(f"orders:\n  file: {target}\n  columns: {{channel: Kanal, product: Produkt}}\n",
                        encoding="utf-8")
        return path
    return make


FILE_CASES = [
    pytest.param("upload", zip_bomb, "bombe.xlsx", "possible zip bomb", id="xlsx-zip-bomb"),
    pytest.param("upload", entity_bomb("xl/sharedStrings.xml"), "lachen-sharedStrings.xlsx",
                 "xl/sharedStrings.xml declares a DTD or XML entities", id="xml-entity-bomb-sharedStrings"),
    pytest.param("upload", entity_bomb("xl/worksheets/sheet1.xml"), "lachen-sheet1.xlsx",
                 "xl/worksheets/sheet1.xml declares a DTD or XML entities", id="xml-entity-bomb-sheet1"),
    pytest.param("upload", huge_upload, "riesig.csv", "more than the limit of 200 MB", id="200MB-upload"),
    pytest.param("upload", wide_csv, "breit.csv", "10000 columns, more than 2000", id="csv-10000-columns"),
    pytest.param("manifest", escaping_manifest("../../etc/passwd"), "manifest.yaml",
                 "'../../etc/passwd' points outside the manifest's folder", id="manifest-etc-passwd"),
    pytest.param("manifest", escaping_manifest("/etc/passwd"), "manifest.yaml",
                 "'/etc/passwd' is an absolute path", id="manifest-absolute-path"),
]


@pytest.mark.parametrize("mode, make, name, message", FILE_CASES)
def test_malicious_file_is_refused_bounded_and_nothing_stored(installation, tmp_path, mode, make, name, message):
    from storage.datasets import list_datasets

    engine, client, settings = installation["engine"], installation["client"], installation["settings"]
    before = [i.version for i in list_datasets(engine, client.id)]
    store_before = sorted(p.name for p in (settings.dataset_dir / str(client.id)).iterdir())
    path = make(tmp_path)
    out = attempt(installation, *(["upload", "orders", str(path)] if mode == "upload" else ["manifest", str(path)]))

    assert out["error"] == "DataImportError", out
    assert name in out["message"] and message in out["message"], out["message"]
    assert out["rss_mb"] < RSS_LIMIT_MB, out
    assert out["traced_mb"] < TRACED_LIMIT_MB, out
    assert [i.version for i in list_datasets(engine, client.id)] == before
    assert sorted(p.name for p in (settings.dataset_dir / str(client.id)).iterdir()) == store_before
    if "folder" in out:  # the refused upload left no file in the session folder
        assert list(Path(out["folder"]).iterdir()) == []


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 20)]
    return "\n".join(lines) + "\norders: *a19\n"


@pytest.mark.parametrize("parser, error", [
    pytest.param("manifest", DataImportError, id="manifest"),
    pytest.param("model", ConfigError, id="maturity-model"),
    pytest.param("profile", DataImportError, id="mapping-profile"),
])
def test_yaml_alias_bomb_is_refused(installation, parser, error):
    from assessment.loader import parse_model
    from data.manifest import parse_manifest
    from storage.datasets import list_mapping_profiles, save_mapping_profile

    engine, client = installation["engine"], installation["client"]
    text = _alias_bomb()
    run = {"manifest": lambda: parse_manifest(text, ".", "angriff.yaml"),
           "model": lambda: parse_model(text, "angriff.yaml"),
           "profile": lambda: save_mapping_profile(engine, client.id, "angriff", text)}[parser]
    tracemalloc.start()
    try:
        with pytest.raises(error) as err:
            run()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert "alias" in err.value.describe() and "angriff" in err.value.describe()
    assert peak < TRACED_LIMIT_MB
    assert [p.name for p in list_mapping_profiles(engine, client.id)] == []


def test_profile_pointing_outside_is_not_saved(installation):
    from storage.datasets import list_mapping_profiles, save_mapping_profile

    engine, client = installation["engine"], installation["client"]
    with pytest.raises(DataImportError) as err:
        save_mapping_profile(engine, client.id, "passwd", "orders:\n  file: ../../etc/passwd\n")
    assert "points outside the manifest's folder" in err.value.describe()
    assert [p.name for p in list_mapping_profiles(engine, client.id)] == []
