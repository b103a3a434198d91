"""Every UI string goes through the one translation table, in both languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.i18n import I18N_DIR, keys, t

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def _used_keys() -> dict[str, str]:
    used = {}
    for path in [ROOT / "app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "charts").rglob("*.py"),
                 *(ROOT / "reports").rglob("*.py"), *(ROOT / "lifecycle").rglob("*.py"),
                 *(ROOT / "scorecards").rglob("*.py"), *(ROOT / "services").rglob("*.py")]:
        if path.exists():
            for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                used.setdefault(key, str(path.relative_to(ROOT)))
    return used


def test_every_used_key_exists():
    missing = {k: where for k, where in _used_keys().items() if k not in keys()}
    assert not missing, f"keys used but not in config/i18n/*.yaml: {missing}"


def test_both_languages_present_and_different_objects():
    assert t("nav.overview", "de") == "Übersicht"
    assert t("nav.overview", "en") == "Overview"


def test_placeholders_are_filled():
    assert "{" not in t("nav.overview", "en", unused=1)


def test_duplicate_key_across_files_is_reported(tmp_path, monkeypatch):
    import core.i18n as i18n

    (tmp_path / "a.yaml").write_text("x.y: {de: A, en: A}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x.y: {de: B, en: B}\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    i18n._table.cache_clear()
    try:
        with pytest.raises(ConfigError) as err:
            i18n._table()
        assert "b.yaml: x.y: defined twice (also in a.yaml)" in err.value.describe()
    finally:
        monkeypatch.setattr(i18n, "I18N_DIR", I18N_DIR)
        i18n._table.cache_clear()


def test_missing_language_is_reported(tmp_path, monkeypatch):
    import core.i18n as i18n

    (tmp_path / "a.yaml").write_text("x.y: {de: Nur Deutsch}\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    i18n._table.cache_clear()
    try:
        with pytest.raises(ConfigError, match="problem"):
            i18n._table()
    finally:
        monkeypatch.setattr(i18n, "I18N_DIR", I18N_DIR)
        i18n._table.cache_clear()
