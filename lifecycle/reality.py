"""Maturity versus reality: does the claimed maturity of a domain match its measured KPIs?

``config/maturity_links.yaml`` links maturity domain ids to KPI ids; ``compare`` takes the domain
scores of an assessment and the traffic lights of the KPIs and flags, per domain:

- ``overrated``: score >= ``overrated_from`` while a linked KPI is red
- ``underrated``: score <= ``underrated_until`` while every linked KPI with data is green
- ``consistent``: neither
- ``no_data``: no linked KPI has a status other than grey (or none is linked)
- ``not_rated``: the domain has no score
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.settings import CONFIG_DIR
from core.yamlio import Checker, load_yaml

LINKS_FILE = CONFIG_DIR / "maturity_links.yaml"
STATUSES = ("green", "amber", "red", "grey")
COLUMNS = ["domain", "score", "verdict", "linked", "green", "amber", "red", "grey", "red_kpis", "green_kpis"]


class Verdict(str, Enum):
    OVERRATED = "overrated"
    UNDERRATED = "underrated"
    CONSISTENT = "consistent"
    NO_DATA = "no_data"
    NOT_RATED = "not_rated"


@dataclass(frozen=True)
class MaturityLinks:
    links: tuple[tuple[str, tuple[str, ...]], ...]
    overrated_from: float = 4.0
    underrated_until: float = 2.0

    def kpis(self, domain: str) -> tuple[str, ...]:
        return dict(self.links).get(domain, ())


def parse_links(raw: object, source: str = "maturity_links.yaml") -> MaturityLinks:
    """Validate the parsed YAML; every problem is reported at once as a ConfigError. That the
    domains and KPIs exist is checked by ``definitions`` (against the models and the catalogue)."""
    links = read_links(raw, check := Checker(source))
    check.done()
    return links


def read_links(raw: object, check: Checker) -> MaturityLinks:
    """The links as far as they are valid; problems go to ``check``."""
    root = check.mapping(raw, "")
    check.unknown_keys(root, ("rules", "links"), "")
    rules = check.mapping(root.get("rules", {}), "rules")
    check.unknown_keys(rules, ("overrated_from", "underrated_until"), "rules")
    high = check.number(rules, "overrated_from", "rules", required=False, default=4.0, minimum=1, maximum=5)
    low = check.number(rules, "underrated_until", "rules", required=False, default=2.0, minimum=1, maximum=5)
    if high is not None and low is not None and low >= high:
        check.add("rules", f"underrated_until ({low:g}) must be below overrated_from ({high:g})")
    links = []
    raw_links = check.mapping(root.get("links"), "links")
    for domain, kpis in raw_links.items():
        path = check.join("links", str(domain))
        if not check.ident({domain: str(domain)}, domain, "links"):
            continue
        ids = []
        items = check.sequence(kpis, path)
        for i in range(len(items)):
            kpi_id = check.ident(dict(enumerate(items)), i, path)
            if kpi_id:
                ids.append(kpi_id)
        check.unique(((k, check.join(path, i)) for i, k in enumerate(ids)), "KPI id")
        links.append((str(domain), tuple(dict.fromkeys(ids))))
    return MaturityLinks(tuple(links), float(high or 4.0), float(low or 2.0))


@lru_cache(maxsize=4)
def load_links(path: Path = LINKS_FILE) -> MaturityLinks:
    return parse_links(load_yaml(path), path.name)


def _verdict(score: float | None, statuses: list[str], links: MaturityLinks) -> Verdict:
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return Verdict.NOT_RATED
    known = [s for s in statuses if s != "grey"]
    if not known:
        return Verdict.NO_DATA
    if score >= links.overrated_from and "red" in known:
        return Verdict.OVERRATED
    if score <= links.underrated_until and all(s == "green" for s in known):
        return Verdict.UNDERRATED
    return Verdict.CONSISTENT


def compare(domain_scores: Mapping[str, float], kpi_status: Mapping[str, str],
            links: MaturityLinks | None = None) -> pd.DataFrame:
    """One row per linked domain (config order; rated domains without links follow).

    A linked KPI missing from ``kpi_status`` (or with an unknown status) counts as grey.
    """
    links = links or load_links()
    domains = [d for d, _ in links.links] + [d for d in domain_scores if d not in dict(links.links)]
    rows = []
    for domain in domains:  # one row per domain: a handful, not data rows
        kpis = links.kpis(domain)
        statuses = [kpi_status.get(k, "grey") if kpi_status.get(k) in STATUSES else "grey" for k in kpis]
        score = domain_scores.get(domain)
        rows.append({
            "domain": domain,
            "score": float(score) if score is not None else math.nan,
            "verdict": _verdict(score, statuses, links).value,
            "linked": len(kpis),
            **{s: statuses.count(s) for s in STATUSES},
            "red_kpis": ", ".join(k for k, s in zip(kpis, statuses) if s == "red"),
            "green_kpis": ", ".join(k for k, s in zip(kpis, statuses) if s == "green"),
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("domain", "verdict", "red_kpis", "green_kpis"):
        out[col] = out[col].astype("string")
    out["score"] = out["score"].astype("float64")
    for col in ("linked", *STATUSES):
        out[col] = out[col].astype("int64")
    return out
