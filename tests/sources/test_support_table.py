"""docs/live-sources.md's table of which KPIs each warehouse supports is the generated one."""
from __future__ import annotations

from tests.sources import support_table


def test_the_support_table_in_the_docs_is_generated_and_current():
    generated = support_table.markdown()
    assert support_table.in_docs() == generated, "run: python -m tests.sources.support_table"
    assert "| column mapping (text columns typed, values, constants) | yes | yes | yes | yes | yes | yes |" in generated
