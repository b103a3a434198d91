"""The definitions registry: the shipped config loads clean; every broken cross-file reference is
reported with its file and path, all of them in one error."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import CONFIG_DIR
from definitions import check, load_definitions, shipped

# (file, text in the shipped file, replacement, the located problem it must give: "where: message")
BROKEN = [
    ("scorecard names an unknown KPI", "scorecards/crm_default.yaml", "{kpi: win_rate,", "{kpi: win_rat,",
     "scorecards/crm_default.yaml: objectives[6].kpis[0].kpi: 'win_rat' is not in the catalogue",
     "did you mean 'win_rate'?"),
    ("maturity link to an unknown domain", "maturity_links.yaml", "  strategy: [", "  strategi: [",
     "maturity_links.yaml: links.strategi: 'strategi' is not a domain of any maturity model",
     "did you mean 'strategy'?"),
    ("maturity link to an unknown KPI", "maturity_links.yaml", "sales: [win_rate,", "sales: [win_rat,",
     "maturity_links.yaml: links.sales[0]: 'win_rat' is not in the catalogue", "did you mean 'win_rate'?"),
    ("catalogue KPI over an unknown field", "kpis.yaml", "field: amount, where", "field: amout, where",
     "kpis.yaml: kpis[6].parts.amount.field: 'amout' is not a field of opportunities", None),
    ("catalogue KPI over an unknown entity", "kpis.yaml",  # the NPS KPI (kpis[17])
     "entity: surveys\n    date_field: answered_at\n    dimensions: []\n    parts:\n      promoters",
     "entity: survey\n    date_field: answered_at\n    dimensions: []\n    parts:\n      promoters",
     "kpis.yaml: kpis[17].entity: 'survey' is not one of ['customers', 'campaigns', 'campaign_contacts', "
     "'opportunities', 'orders', 'service_tickets', 'surveys']", None),
    ("outcome words in both lists", "entities.yaml", 'false_words: ["false", falsch,', 'false_words: ["false", ja, falsch,',
     "entities.yaml: outcome_words.false_words[1]: 'ja' is also a true word (outcome_words.true_words[2])", None),
    ("plausibility rule over an unknown column", "entities.yaml", "columns: [revenue], check", "columns: [revenu], check",
     "entities.yaml: plausibility[6].columns[0]: 'revenu' is not a field of orders", None),
    ("plausibility rule over a column of the wrong type", "entities.yaml", "columns: [quantity], check",
     "columns: [product], check",
     "entities.yaml: plausibility[5].columns[0]: not_negative needs a number or integer field, 'product' is category",
     None),
    ("scorecard direction against the catalogue", "scorecards/crm_default.yaml",
     "baseline: 25, thresholds: {green: 16, amber: 20},\n         direction: lower_is_better",
     "baseline: 10, thresholds: {green: 16, amber: 12},\n         direction: higher_is_better",
     "scorecards/crm_default.yaml: objectives[2].kpis[0].direction: 'higher_is_better' contradicts the catalogue: "
     "cost_per_response is lower_is_better", None),
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    out = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, out, ignore=shutil.ignore_patterns("i18n"))
    return out


def _break(config: Path, file: str, old: str, new: str) -> None:
    path = config / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _located(problems) -> list[str]:
    return [f"{p.where}: {p.message}" for p in problems]


def test_the_shipped_config_loads_with_no_problem():
    assert check() == ()
    defs = shipped()
    assert shipped() is defs  # loaded once per process
    assert list(defs.scorecards) == ["crm_default"] and {"crm_default", "digital_service_check"} <= set(defs.models)
    assert len(defs.catalogue) == 21 and "orders" in defs.entities
    assert {d for d, _ in defs.maturity_links.links} <= {g.id for g in defs.model("crm_default").groups}
    assert defs.scorecard("crm_default").kpi_info("maturity_index").kind.value == "external"
    assert defs.permissions is not None and defs.permissions.allowed("manager", "scorecard.view")


def test_a_copy_of_the_shipped_config_loads_too(config: Path):
    assert set(load_definitions(config).scorecards) == {"crm_default"}


@pytest.mark.parametrize("name, file, old, new, problem, hint", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_reference_is_reported_with_file_and_path(config, name, file, old, new, problem, hint):
    _break(config, file, old, new)
    with pytest.raises(ConfigError) as info:
        load_definitions(config)
    assert _located(info.value.problems) == [problem]
    if hint is not None:
        assert info.value.problems[0].hint == hint
    assert _located(check(config)) == [problem]


def test_problems_of_several_files_come_together_in_one_error(config: Path):
    picked = [BROKEN[0], BROKEN[1], BROKEN[3], BROKEN[5], BROKEN[6]]
    for _, file, old, new, _, _ in picked:
        _break(config, file, old, new)
    (config / "permissions.yaml").write_text("roles: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_definitions(config)
    found = _located(info.value.problems)  # ordered by file, each file's problems in the order found
    unreadable = "permissions.yaml: line 2, column 1: expected ',' or ']', but got '<stream end>'"
    assert found == sorted([b[4] for b in picked] + [unreadable])  # an unreadable file hides nothing else
    assert info.value.message == f"{config}: 6 problems in 5 definition files"


def test_two_scorecards_with_one_id_are_refused(config: Path):
    shutil.copy(config / "scorecards" / "crm_default.yaml", config / "scorecards" / "zz_copy.yaml")
    assert _located(check(config)) == [
        "scorecards/zz_copy.yaml: id: duplicate scorecard id 'crm_default' (first in scorecards/crm_default.yaml)"]
