"""Maturity versus reality: the verdict rules on worked examples, and the shipped link table."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from lifecycle.reality import Verdict, compare, load_links, parse_links
from tests.lifecycle.examples import CASES_DIR, assert_rows
from core.yamlio import load_yaml

RAW = load_yaml(CASES_DIR / "reality.yaml")
DOMAINS = {"strategy", "marketing", "sales", "service", "analytics", "data_quality", "multichannel", "organisation",
           "technology"}
# the KPI catalogue of PRODUCT.md; the ids are part of the file contract
CATALOGUE = {"campaign_response_rate", "campaign_conversion_rate", "cost_per_response", "products_sold", "revenue",
             "win_rate", "average_deal_size", "sales_cycle_days", "new_customers", "churn_rate", "win_back_rate",
             "repeat_purchase_rate", "cross_sell_rate", "revenue_per_customer", "customer_lifetime_value",
             "complaint_resolution_hours", "first_contact_resolution_rate", "nps", "csat", "data_completeness",
             "maturity_index"}


@pytest.mark.parametrize("case", RAW["cases"], ids=[c["id"] for c in RAW["cases"]])
def test_compare(case):
    links = parse_links(RAW["links"], "reality.yaml")
    assert_rows(compare(case["scores"], case["status"], links), case["expect"])


def test_shipped_links_cover_every_domain_with_catalogue_kpis():
    links = load_links()
    assert {d for d, _ in links.links} == DOMAINS
    for domain, kpis in links.links:
        assert kpis, domain
        assert set(kpis) <= CATALOGUE, f"{domain}: {set(kpis) - CATALOGUE}"


def test_shipped_links_flag_the_issue_example():
    """Service rated 4 while complaint resolution time is red."""
    result = compare({"service": 4.0}, {"complaint_resolution_hours": "red", "csat": "green"}).set_index("domain")
    assert result.loc["service", "verdict"] == Verdict.OVERRATED.value


def test_broken_link_table_lists_every_problem():
    raw = {"rules": {"overrated_from": 2, "underrated_until": 3, "strict": True},
           "links": {"Service": ["csat"], "sales": "win_rate", "marketing": ["nps", "nps", 7]}}
    with pytest.raises(ConfigError) as err:
        parse_links(raw, "maturity_links.yaml")
    text = err.value.describe()
    for fragment in ("rules.strict: unknown key", "underrated_until (3) must be below overrated_from (2)",
                     "links.Service: 'Service' is not a snake_case id", "links.sales: expected a list",
                     "links.marketing[1]: duplicate KPI id 'nps'", "links.marketing[2]: expected text"):
        assert fragment in text, text
