"""The scorecard as the pages and the overview see it (no Streamlit here).

Steps, each a plain function so the UI can cache the expensive one (``engine_actuals``):

1. ``load_card``: the client's edited copy (``storage.scorecards``) or the shipped YAML;
2. ``engine_actuals``: the KPI table of the card's engine KPIs per period of its granularity
   (one ``kpis.engine.compute`` call, no breakdown) - the only step that reads the raw rows;
3. ``external_frame``: data completeness of the dataset and the maturity index of the latest
   assessment, as undated rows (they count for the evaluated period);
4. ``evaluate_view``: manual values + the above -> ``scorecards.evaluation.evaluate``.

``usecases.scorecard.view_scorecard`` is the one place that puts these steps together.

Snapshots (``freeze``, ``compare``) sit on top; the editor and the manual values are in
``services.scorecard_editing``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine

from core.errors import CockpitError, InputError
from core.query import Period
from core.settings import Settings
from kpis.catalogue import known_kpis, load_catalogue
from scorecards.evaluation import compare_snapshots, evaluate
from scorecards.loader import SCORECARDS_DIR, load_scorecard, parse_scorecard
from scorecards.model import Scorecard
from scorecards.result import ScorecardResult
from storage import scorecards as repo
from services import workshop
from services.analytics import external_values, kpi_table
from storage.assessments import list_rounds
from storage.datasets import DatasetInfo

DEFAULT_ID = "crm_default"


@dataclass(frozen=True)
class LoadedScorecard:
    card: Scorecard
    content: str               # the YAML text the card was read from
    version: int | None        # the client's copy's version; None: the shipped default


@dataclass(frozen=True)
class Maturity:
    """The latest assessment round, scored."""

    round_id: int
    round_name: str
    model_id: str
    maturity_index: float | None
    staged_level: int | None
    domain_scores: dict


def load_card(engine: Engine, client_id: int, scorecard_id: str = DEFAULT_ID) -> LoadedScorecard:
    """The client's edited scorecard if there is one, else ``config/scorecards/<id>.yaml``."""
    setting = repo.get_setting(engine, client_id, scorecard_id)
    if setting is not None:
        card = parse_scorecard(setting.content, f"{scorecard_id}.yaml (client copy v{setting.version})", known_kpis())
        return LoadedScorecard(card, setting.content, setting.version)
    path = SCORECARDS_DIR / f"{scorecard_id}.yaml"
    return LoadedScorecard(load_scorecard(path, known_kpis()), path.read_text(encoding="utf-8"), None)


@dataclass(frozen=True)
class OpenRound:
    """The newest round while it is still being answered: shown with its completeness, never
    counted as the client's maturity (``latest_maturity`` takes the newest closed round)."""

    round_id: int
    round_name: str
    answered: int  # questions with at least one answer, an N/A or a consensus
    total: int


def newest_open(rounds: list):
    """The newest of ``rounds`` (newest first) if it is not closed yet, else None."""
    return rounds[0] if rounds and rounds[0].status != "closed" else None


def open_round(engine: Engine, client_id: int) -> OpenRound | None:
    rnd = newest_open(list_rounds(engine, client_id))
    if rnd is None:
        return None
    res = workshop.result(engine, client_id, rnd.id)
    answered = sum(1 for q in res.questions if q.answered or q.not_applicable or q.consensus)
    return OpenRound(rnd.id, rnd.name, answered, len(res.questions))


def latest_maturity(engine: Engine, client_id: int) -> Maturity | None:
    """The newest closed assessment round of the client, scored (None without one)."""
    rnd = workshop.latest_closed(list_rounds(engine, client_id))
    if rnd is None:
        return None
    res = workshop.result(engine, client_id, rnd.id)
    return Maturity(rnd.id, rnd.name, rnd.model_id, res.maturity_index, res.staged_level, dict(res.domain_scores))


def engine_actuals(settings: Settings, info: DatasetInfo, kpi_ids: tuple[str, ...], granularity: str) -> pd.DataFrame:
    """kpi, period, value, numerator, denominator of the computed KPIs ``kpi_ids``
    (``Scorecard.computed_kpi_ids``: the external ones come from ``external_frame``)."""
    table = kpi_table(settings, info, kpi_ids, period=granularity)
    return table[["kpi", "period", "value", "numerator", "denominator"]]


def external_frame(info: DatasetInfo | None, maturity: Maturity | None) -> pd.DataFrame:
    """Undated rows for the external KPIs (they count for whichever period is evaluated)."""
    values = external_values(info, maturity.maturity_index if maturity else None)
    return pd.DataFrame({"kpi": pd.Series(list(values), dtype="string"),
                         "period": pd.Series([pd.NA] * len(values), dtype="string"),
                         "value": pd.Series(list(values.values()), dtype="float64")})


def periods(actuals: pd.DataFrame) -> list[str]:
    """The period labels that have data, oldest first."""
    return sorted(set(actuals["period"].dropna().astype(str)))


def default_period(actuals: pd.DataFrame, granularity: str, last_day: date | None = None,
                   today: date | None = None) -> str | None:
    """The last complete period, the one rule every page, report and command uses: the newest
    period that (1) has ended, (2) the data reaches to its end (``last_day``, the newest date in the
    dataset, is at most one day before the period's end), and (3) has at least half as many KPIs
    with a value as the best-covered period (a few stray rows in a new quarter do not make it
    current). Without such a period, the newest covered one."""
    dated = actuals[actuals["period"].notna() & actuals["value"].notna()]
    if dated.empty:
        return None
    coverage = dated.groupby(dated["period"].astype(str))["kpi"].nunique()
    covered = sorted(coverage[coverage >= coverage.max() / 2].index.tolist())
    today = today or pd.Timestamp.now().date()
    for label in reversed(covered):
        end = Period.parse(label).end  # exclusive: the first day after the period
        if end <= today and (last_day is None or end <= last_day + timedelta(days=1)):
            return label
    return covered[-1]


def evaluate_view(card: Scorecard, actuals: pd.DataFrame, period: str, manual: pd.DataFrame | None,
                  external: pd.DataFrame | None, history_periods: int = 12) -> ScorecardResult:
    frames = [f for f in (actuals, external) if f is not None and len(f)]
    combined = pd.concat(frames, ignore_index=True) if frames else None
    return evaluate(card, combined, period, manual=manual, history_periods=history_periods)


# --- snapshots ----------------------------------------------------------------------------------

def freeze(engine: Engine, client_id: int, result: ScorecardResult, label: str, dataset_version: int | None,
           maturity: Maturity | None, actor: str = "") -> int:
    """Freeze the evaluation with the assessment beside it; later corrections do not change it."""
    payload = result.to_dict()
    if maturity is not None:
        payload["assessment"] = {"round_id": maturity.round_id, "round": maturity.round_name,
                                 "maturity_index": maturity.maturity_index, "staged_level": maturity.staged_level,
                                 "domain_scores": maturity.domain_scores}
    return repo.save_snapshot(engine, client_id, payload, label=label.strip(), dataset_version=dataset_version,
                              round_id=maturity.round_id if maturity else None, actor=actor)


def compare(engine: Engine, client_id: int, first_id: int, second_id: int) -> pd.DataFrame:
    """Two of the client's snapshots side by side per KPI (deltas second - first)."""
    a, b = repo.get_snapshot(engine, client_id, first_id), repo.get_snapshot(engine, client_id, second_id)
    missing = [str(i) for i, s in ((first_id, a), (second_id, b)) if s is None]
    if missing:
        raise InputError(f"snapshot {', '.join(missing)} does not exist for this client", hint="pick one of the list",
                         key="snapshot.missing", hint_key="snapshot.missing_hint", values={"ids": ", ".join(missing)})
    return compare_snapshots(a.payload, b.payload)


# --- what the views show beside the numbers ------------------------------------------------------

@dataclass(frozen=True)
class KpiLabel:
    name: object               # core.i18n.Text
    unit: str


def kpi_labels(card: Scorecard) -> dict[str, KpiLabel]:
    """Name and unit of every KPI the card shows (the card's own name wins over the catalogue's)."""
    out = {k.id: KpiLabel(k.name, k.unit.value) for k in load_catalogue()}
    out.update({m.id: KpiLabel(m.name, m.unit) for m in card.manual_kpis})
    for k in card.kpis:
        if k.name is not None:
            out[k.kpi] = KpiLabel(k.name, out[k.kpi].unit if k.kpi in out else "score")
    return out


def effective_weights(card: Scorecard) -> dict[str, float]:
    """Each KPI's share of the overall score: perspective share x objective share x KPI share."""
    p_total = sum(p.weight for p in card.perspectives) or 1.0
    out = {}
    for p in card.perspectives:
        objectives = card.objectives_of(p.id)
        o_total = sum(o.weight for o in objectives) or 1.0
        for o in objectives:
            k_total = sum(k.weight for k in o.kpis) or 1.0
            for k in o.kpis:
                out[k.kpi] = p.weight / p_total * o.weight / o_total * k.weight / k_total
    return out


def headline_kpis(card: Scorecard, n: int = 6) -> list[str]:
    """The ``n`` KPIs that weigh most in the overall score (ties: scorecard order); the external
    ones (maturity index, data completeness) are shown elsewhere on the start page."""
    weights = effective_weights(card)
    order = [k for k in card.kpi_ids if k not in card.external_kpi_ids]
    return sorted(order, key=lambda k: (-round(weights[k], 9), order.index(k)))[:n]


def domain_names(model_id: str, lang: str) -> dict[str, str]:
    """Display names of the maturity model's domains (the ids where the model is unknown)."""
    try:
        model = workshop.model_by_id(model_id)
    except CockpitError:
        return {}
    return {g.id: g.name.get(lang) for g in model.top_groups}
