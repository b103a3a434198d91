"""Errors reach a German page in German (issue 14.7): every translation key an error or problem
names in the code exists in both languages with the same placeholders, the permission errors are
German for every role and action (the page side: tests/ui/test_assessment_page.py)."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from auth.guard import Principal, require
from auth.roles import ACTIONS, Role, shipped
from core.errors import CockpitError, InputError, PermissionDenied, Problem
from core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
SKIP = (".venv/", "tests/", "benchmarks/")
ERROR_CALL = re.compile(r"(Error|Denied|Problem)$")


def _error_keys() -> dict[str, str]:
    """key -> file of every ``key=``/``hint_key=`` string given to an error or a Problem."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SKIP):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if not ERROR_CALL.search(name):
                continue
            for kw in node.keywords:
                if kw.arg in ("key", "hint_key") and isinstance(kw.value, ast.Constant):
                    found.setdefault(kw.value.value, rel)
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_the_walk_finds_the_error_keys():
    keys = _error_keys()
    assert {"denied.action", "round.name_missing", "conflict.record", "edit.not_a_number"} <= set(keys)
    assert len(keys) >= 30


@pytest.mark.parametrize("key", sorted(_error_keys()))
def test_every_error_key_is_translated_with_the_same_placeholders(key):
    de, en = t(key, "de"), t(key, "en")
    assert de != key, f"{key} ({_error_keys()[key]}) is not in config/i18n"
    assert de != en, f"{key}: the German text is the English one"
    assert _fields(de) == _fields(en), f"{key}: placeholders differ between de and en"


def test_every_refused_action_reads_german_for_every_role():
    table = shipped()
    for role in Role:
        someone = Principal(1, "anna", role, frozenset({1}))
        for action in ACTIONS:
            if table.allowed(role, action):
                continue
            with pytest.raises(PermissionDenied) as refused:
                require(someone, action)
            german = refused.value.text("de")
            assert german.startswith(f"Die Rolle „{t(f'auth.role.{role.value}', 'de')}“ darf nicht "), german
            assert t(f"auth.action.{action}", "de") in german and "auth." not in german
            assert refused.value.hint_text("de") == "Wer das braucht, fragt die Administration."
            assert refused.value.text("en").startswith("The role '")  # the English UI
            assert "may not do" in refused.value.message  # the command line keeps its English text


def test_a_problem_is_translated_with_its_values_and_an_untranslated_one_keeps_its_text():
    translated = Problem("period", "'2030-Q1' is outside the data", key="period.outside",
                         values=(("period", "2030-Q1"), ("covered", "2024-Q1 .. 2025-Q4")))
    assert translated.text("de") == "2030-Q1 liegt außerhalb der Daten (2024-Q1 .. 2025-Q4)"
    assert Problem("row 3", "free text").text("de") == "free text"
    error = InputError("English headline", [translated], key="period.no_data", values={"period": "2030-Q1"})
    assert error.text("de") == "Keine Kennzahl der Scorecard hat Daten für 2030-Q1."
    assert error.describe().startswith("English headline")



# Every module of the product names the translation of each of our errors it raises (issue 14.7),
# except these, each with its reason.
EXEMPT = {
    **{f"cli/{p.name}": "command line only: the English message is the text" for p in (ROOT / "cli").glob("*.py")},
    "cli.py": "command line only",
}


def _own_error_names() -> set[str]:
    """``CockpitError`` and its subclasses: those of core.errors and any a product module derives."""
    names = {"CockpitError", *(c.__name__ for c in _subclasses(CockpitError))}
    classes = [node for path in _product_modules() for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef)]
    grown = True
    while grown:
        grown = False
        for node in classes:
            bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}
            if node.name not in names and bases & names:
                names.add(node.name)
                grown = True
    return names


def _subclasses(cls) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def _product_modules() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if not p.relative_to(ROOT).as_posix().startswith(SKIP)]


def _unkeyed(path: Path, own: set[str] | None = None) -> list[str]:
    """``file:line`` of every ``raise SomeOwnError(...)`` without ``key=`` (builtin and library
    errors - FileNotFoundError, yaml.YAMLError - are not ours to translate)."""
    own = _own_error_names() if own is None else own
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name in own and not any(k.arg == "key" for k in call.keywords):
                out.append(f"{path.name}:{node.lineno}")
    return out


def test_every_error_of_the_product_has_a_translation_key():
    own = _own_error_names()
    assert {"InputError", "ConfigError", "PermissionDenied", "DataImportError"} <= own
    unkeyed = {path.relative_to(ROOT).as_posix(): found for path in _product_modules()
               if path.relative_to(ROOT).as_posix() not in EXEMPT and (found := _unkeyed(path, own))}
    assert unkeyed == {}, "raise these with key= (and hint_key= for a hint), or list the module in EXEMPT with why"


def test_the_unkeyed_check_would_catch_an_english_only_error(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    raise InputError('A client needs a name.')\n\n\ndef g():\n"
                   "    raise InputError('x', key='client.name_missing')\n")
    assert _unkeyed(bad) == ["m.py:2"]


def test_errors_keyed_this_session_read_german_with_their_located_parts(tmp_path):
    from auth.passwords import check_policy
    from core.yamlio import parse_yaml
    from services.archive import read_archive

    with pytest.raises(InputError) as policy:
        check_policy("kurz", "anna")
    assert policy.value.text("de") == "Das Passwort erfüllt die Regeln nicht."
    assert [p.text("de") for p in policy.value.problems][0].startswith("braucht mindestens ")
    assert policy.value.describe().startswith("The password does not meet the policy.")  # the command line
    fake = tmp_path / "kunde.zip"
    fake.write_bytes(b"PK not a zip")
    with pytest.raises(InputError) as archive:
        read_archive(fake)
    assert archive.value.text("de") == "kunde.zip ist kein Mandantenarchiv (keine ZIP-Datei)."
    with pytest.raises(Exception) as broken:
        parse_yaml("a: [1, 2", "modell.yaml")
    assert broken.value.text("de") == "modell.yaml ist kein gültiges YAML."
    assert "line" in broken.value.problems[0].where  # the located part is kept
