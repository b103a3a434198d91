"""Fuzzing the YAML definitions (issue 7): random YAML documents and random text into the
manifest, maturity-model, KPI-catalogue and scorecard parsers end in their documented error
(``DataImportError`` for manifests, ``ConfigError`` for the others) or a valid result."""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.loader import parse_model
from core.errors import ConfigError, DataImportError
from core.yamlio import MAX_EXPANDED_NODES, expanded_size, parse_yaml
from data.manifest import Manifest, parse_manifest
from kpis.catalogue import Catalogue, parse_catalogue
from scorecards.loader import parse_scorecard

FUZZ = settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow], database=None)

KEYS = st.sampled_from(["orders", "customers", "file", "columns", "values", "constants", "keep", "unpivot",
                        "into", "value", "sheet", "delimiter", "decimal", "date_format", "encoding", "channel",
                        "kpis", "id", "entity", "formula", "parts", "name", "de", "en", "levels", "domains",
                        "questions", "scale", "perspectives", "objectives", "target", "thresholds", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["orders.csv", "../x.csv", "/etc/passwd", "%d.%m.%Y",
                                                           ";", "count", "ratio", "a / b", "__import__('os')"]))
DOCS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
TEXT = st.one_of(DOCS.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                 st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!|>'\"#%@`,?0")), max_size=200))


@FUZZ
@given(TEXT)
def test_manifest_parser(text):
    try:
        assert isinstance(parse_manifest(text, ".", "fuzz.yaml"), Manifest)
    except DataImportError as exc:
        assert "fuzz.yaml" in exc.describe()


@FUZZ
@given(TEXT)
def test_maturity_model_parser(text):
    try:
        parse_model(text, "fuzz.yaml")
    except ConfigError as exc:
        assert "fuzz.yaml" in exc.describe()


@FUZZ
@given(TEXT)
def test_kpi_catalogue_parser(text):
    try:
        assert isinstance(parse_catalogue(parse_yaml(text, "fuzz.yaml"), "fuzz.yaml"), Catalogue)
    except ConfigError as exc:
        assert "fuzz.yaml" in exc.describe()


@FUZZ
@given(TEXT)
def test_scorecard_parser(text):
    try:
        parse_scorecard(text, "fuzz.yaml")
    except ConfigError as exc:
        assert "fuzz.yaml" in exc.describe()


@FUZZ
@given(width=st.integers(1, 12), fans=st.lists(st.integers(1, 14), min_size=1, max_size=9))
def test_nested_aliases_are_refused_exactly_when_their_expansion_passes_the_bound(width, fans):
    """Billion-laughs shapes of any depth and fan-out: refused (quickly: FUZZ's deadline) iff the
    document as expanded has more than MAX_EXPANDED_NODES values; otherwise loaded, counted exactly."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    sizes = [width + 1]
    for i, fan in enumerate(fans, start=1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
        sizes.append(1 + fan * sizes[-1])
    text = "\n".join(lines) + "\n"
    expected = 1 + sum(1 + size for size in sizes)
    try:
        data = parse_yaml(text, "laughs.yaml")
    except ConfigError as exc:
        assert expected > MAX_EXPANDED_NODES and "alias bomb" in exc.describe() and "laughs.yaml" in exc.describe()
    else:
        assert expected <= MAX_EXPANDED_NODES and len(data) == len(sizes)
        assert expanded_size(yaml.compose(text, Loader=yaml.SafeLoader)) == expected
