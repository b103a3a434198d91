"""The one YAML loader: safe, bounded, every problem located."""
from __future__ import annotations

from enum import Enum

import pytest

from core.errors import ConfigError
from core.yamlio import Checker, load_yaml, parse_yaml


class Direction(Enum):
    HIGHER = "higher_is_better"
    LOWER = "lower_is_better"


def test_broken_yaml_names_line_and_column():
    with pytest.raises(ConfigError) as err:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "kpis.yaml")
    text = err.value.describe()
    assert "kpis.yaml: line" in text and "column" in text


def test_alias_bomb_is_refused():
    # the "billion laughs" shape: 10 levels, each referencing the previous one 12 times
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 12)}]\n" for p, c in zip("abcdefghij", "bcdefghijk"))
    with pytest.raises(ConfigError, match="not valid YAML") as err:
        parse_yaml(bomb, "bomb.yaml")
    assert "alias" in err.value.describe()


def test_python_tags_are_not_executed():
    with pytest.raises(ConfigError):
        parse_yaml("x: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml")


def test_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")
    p = tmp_path / "latin.yaml"
    p.write_bytes("name: M\xfcller\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_yaml(p)


def test_checker_collects_every_problem_with_its_path():
    data = parse_yaml("kpis:\n  - {id: a, direction: up, weight: 0}\n  - {id: a, weight: x}\n", "kpis.yaml")
    check = Checker("kpis.yaml")
    ids = []
    for i, item in enumerate(check.sequence(data["kpis"], "kpis")):
        path = f"kpis[{i}]"
        ids.append((check.ident(item, "id", path), f"{path}.id"))
        check.enum(item, "direction", path, Direction)
        check.number(item, "weight", path, minimum=0, exclusive_min=True)
    check.unique(ids)
    with pytest.raises(ConfigError) as err:
        check.done()
    lines = [str(p) for p in err.value.problems]
    assert lines == [
        "kpis.yaml: kpis[0].direction: 'up' is not one of ['higher_is_better', 'lower_is_better']",
        "kpis.yaml: kpis[0].weight: 0 must be > 0",
        "kpis.yaml: kpis[1].direction: required key is missing",
        "kpis.yaml: kpis[1].weight: expected a number, found text 'x'",
        "kpis.yaml: kpis[1].id: duplicate id 'a' (first at kpis[0].id)",
    ]


@pytest.mark.parametrize("snippet,message", [
    ("name: {de: Kunden}", "name.en: missing or empty text"),
    ("name: 12", "name: expected text or {de, en}, found a number"),
    ("name: {de: Kunden, en: Customers}", None),
])
def test_bilingual_text(snippet, message):
    check = Checker("x.yaml")
    text = check.text(parse_yaml(snippet, "x.yaml"), "name", "")
    if message is None:
        assert not check.problems and text.get("en") == "Customers" and text.get("de") == "Kunden"
    else:
        assert message in str(check.problems.items[0])


def test_yaml_norway_problem_is_caught_as_type_error():
    check = Checker("m.yaml")
    check.str(parse_yaml("code: no\nzip: 01067\n", "m.yaml"), "code", "")
    assert "expected text, found a boolean" in str(check.problems.items[0])
