"""The one YAML loader: safe, bounded, every problem located."""
from __future__ import annotations

from enum import Enum

import pytest
import yaml

from core.errors import ConfigError
from core.yamlio import MAX_EXPANDED_NODES, Checker, expanded_size, load_yaml, parse_yaml


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


def test_alias_bomb_message_names_the_bound_and_the_line():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(ConfigError) as err:
        parse_yaml(bomb, "bomb.yaml")
    assert str(err.value.problems[0]) == (
        f"bomb.yaml: the document expands to more than {MAX_EXPANDED_NODES:,} values through alias references "
        "(line 6); refusing a possible alias bomb")   # f: 1,111,111 values, the first node over the bound


def test_many_references_to_one_anchor_load_and_share_the_value():
    # 500 references: more than the old limit of 100 alias references, a few thousand values expanded
    text = "opts: &o [{value: 0, text: nein}, {value: 1, text: ja}]\n" + "".join(
        f"q{i}: *o\n" for i in range(500))
    data = parse_yaml(text, "many.yaml")
    assert len(data) == 501 and data["q499"] == [{"value": 0, "text": "nein"}, {"value": 1, "text": "ja"}]


@pytest.mark.parametrize("refs,refused", [(997, False), (999, True)])
def test_the_bound_is_on_expanded_values(refs, refused):
    # one list of 1000 scalars (1001 nodes), referenced `refs` times under a mapping:
    # 1 + (refs + 1) * (1 key + 1001) nodes = 999,997 for 997 references, 1,002,001 for 999
    text = "base: &b [" + ", ".join(["x"] * 1000) + "]\n" + "".join(f"k{i}: *b\n" for i in range(refs))
    loader = yaml.SafeLoader(text)
    node = loader.get_single_node()
    loader.dispose()
    if refused:
        with pytest.raises(ConfigError) as err:
            parse_yaml(text, "big.yaml")
        assert "alias bomb" in err.value.describe()
    else:
        assert expanded_size(node) == 1 + (refs + 1) * 1002 <= MAX_EXPANDED_NODES
        assert len(parse_yaml(text, "big.yaml")) == refs + 1


@pytest.mark.parametrize("text", ["&a [*a]", "a: &a {b: [1, *a]}"])
def test_a_value_containing_itself_is_refused(text):
    with pytest.raises(ConfigError) as err:
        parse_yaml(text, "loop.yaml")
    assert "recursive alias" in err.value.describe()


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
