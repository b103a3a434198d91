"""The scorecard loader resolves every KPI reference to its definition (name, unit, kind, stages, direction)."""
from __future__ import annotations

import pytest

from core.i18n import Text
from kpis.catalogue import load_catalogue
from scorecards.loader import SCORECARDS_DIR, load_scorecard, parse_scorecard, to_yaml
from scorecards.model import Direction, KpiInfo, KpiKind

CARD = load_scorecard(SCORECARDS_DIR / "crm_default.yaml", load_catalogue())


def test_a_catalogue_kpi_gets_the_catalogue_name_unit_stages_and_kind():
    assert CARD.kpi_info("win_rate") == KpiInfo(
        "win_rate", Text("Abschlussquote", "Win rate"), "ratio", KpiKind.COMPUTED, ("acquisition",),
        Direction.HIGHER_IS_BETTER)
    assert CARD.kpi_info("new_customers").stages == ("selection", "acquisition")
    assert CARD.kpi_info("complaint_resolution_hours").unit == "hours"


def test_an_external_kpi_is_of_kind_external():
    info = CARD.kpi_info("maturity_index")
    assert (info.kind, info.unit, info.stages, info.name.en) == (KpiKind.EXTERNAL, "score", ("all",),
                                                                 "CRM maturity index")
    assert CARD.external_kpi_ids == ("maturity_index", "data_completeness")


def test_a_manual_kpi_takes_the_cards_declaration():
    assert CARD.kpi_info("training_hours") == KpiInfo(
        "training_hours", Text("CRM-Schulungsstunden je Mitarbeiter", "CRM training hours per employee"), "hours",
        KpiKind.MANUAL, (), Direction.HIGHER_IS_BETTER)


def test_engine_and_computed_ids_derive_from_the_kind():
    assert "training_hours" not in CARD.engine_kpi_ids and "maturity_index" in CARD.engine_kpi_ids
    assert set(CARD.computed_kpi_ids) == set(CARD.engine_kpi_ids) - {"maturity_index", "data_completeness"}
    assert len(CARD.computed_kpi_ids) == 17


def test_the_cards_own_name_wins_and_is_the_only_one_written_back():
    text = """
id: s
name: S
perspectives: [{id: customer, name: Kunden}]
objectives:
  - id: keep
    name: Binden
    perspective: customer
    kpis:
      - {kpi: churn_rate, name: {de: Abwanderung, en: Attrition}, target: 0.05}
      - {kpi: nps, target: 30}
"""
    card = parse_scorecard(text, "s.yaml", load_catalogue())
    assert card.kpi_info("churn_rate").name == Text("Abwanderung", "Attrition")
    assert card.kpi_info("churn_rate").direction is Direction.LOWER_IS_BETTER  # from the catalogue
    assert card.kpi_info("nps").name.en == "Net Promoter Score"
    written = to_yaml(card)
    assert "Attrition" in written and "Net Promoter Score" not in written
    with pytest.raises(KeyError):
        card.kpi_info("revenue")
