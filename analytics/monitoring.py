"""Monitoring: alerts on scorecard KPIs per period (issue 11.1); pure, no Streamlit.

Three kinds, each for one KPI, period and slice (overall, or one channel / segment value):

- ``red``: the period's value is past the card's amber limit in the bad direction (and was the
  period before);
- ``turned_red``: red now and not red the period before (instead of ``red``);
- ``trend_break``: the latest period lies outside a robust band of the slice's own history,
  median +/- k * 1.4826 * MAD of the previous ``window`` periods (at least ``min_history``),
  for a rate at least k times its chance scatter on the period's count, and only on the bad side of the KPI's direction (a jump in response rate is not an alert);
- ``turns_red``: amber now, and the forecast crosses the amber limit within
  ``forecast_periods`` periods of the scorecard ("wird in 2 Perioden rot").
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analytics.alert_rules import Rules
from analytics.forecast import forecast_table, periods_until_red
from core.errors import InputError, Problem
from core.formatting import by_unit, number
from core.i18n import t
from core.query import Granularity, Period
from kpis.engine import compute, resolve_kpis
from scorecards.model import Scorecard

MAD_SCALE = 1.4826          # makes the MAD comparable to a standard deviation for normal data
RELATIVE_FLOOR = 0.01       # a flat history still has a band of 1 % of its median
OVERALL = "overall"
COLUMNS = ["kpi", "dim", "member", "period", "value", "denominator"]
FORECAST_ORIGINS = 3        # backtest origins of a turns_red forecast (each one an ETS fit)


@dataclass(frozen=True)
class Alert:
    kpi: str
    period: str
    kind: str
    slice: dict = field(default_factory=dict)
    value: float | None = None
    expected: float | None = None
    lower: float | None = None
    upper: float | None = None
    ahead: int | None = None      # turns_red: in how many periods of the scorecard

    @property
    def key(self) -> str:
        """What identifies the alert (an acknowledgement is kept for it): kpi|period|kind|dim=member."""
        return "|".join((self.kpi, self.period, self.kind, slice_text(self.slice)))

    def as_dict(self) -> dict:
        return {"kpi": self.kpi, "period": self.period, "kind": self.kind, "slice": dict(self.slice),
                "value": self.value, "expected": self.expected, "lower": self.lower, "upper": self.upper}

    def sentence(self, lang: str, kpi_name: str | None = None, slice_name: str | None = None,
                 unit: str | None = None) -> str:
        """The alert in words, from the translation table (``alerts.sentence.<kind>``); names and the
        unit (``core.formatting.by_unit``) as the caller knows them, else the ids and plain numbers."""
        show = (lambda v: "–" if v is None else by_unit(v, unit, lang)) if unit else \
            (lambda v: "–" if v is None else number(v, lang, 4 if abs(v) < 10 else 1))
        where = slice_name or slice_text(self.slice) or t("alerts.slice.overall", lang)
        kind = "turns_red_next" if self.kind == "turns_red" and self.ahead == 1 else self.kind
        return t(f"alerts.sentence.{kind}", lang, kpi=kpi_name or self.kpi, slice=where, period=self.period,
                 value=show(self.value), expected=show(self.expected), lower=show(self.lower),
                 upper=show(self.upper), ahead=self.ahead or "–")


def slice_text(where: dict) -> str:
    """``channel=email`` (empty for the total), as the command line prints a slice."""
    return ",".join(f"{k}={v}" for k, v in where.items())


def _opt(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def series(source, card: Scorecard, rules: Rules, period: str = "month") -> pd.DataFrame:
    """Long table kpi, dim, member, period, value, denominator (what a rate counts): overall and per slice a KPI supports and its
    rules watch (``Rules.for_kpi``)."""
    ids = [k for k in card.computed_kpi_ids if rules.kpis is None or k in rules.kpis]
    frames = [compute(source, ids, period=period).assign(dim=OVERALL, member=OVERALL)] if ids else []
    dims = dict.fromkeys(d for k in ids for d in rules.for_kpi(k).slices)
    for dim in dims:
        sliceable = [d.id for d in resolve_kpis(ids) if d.dimension(dim) is not None and dim in rules.for_kpi(d.id).slices]
        if sliceable:
            part = compute(source, sliceable, by=[dim], period=period)
            frames.append(part.rename(columns={dim: "member"}).assign(dim=dim))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True).reindex(columns=COLUMNS)
    out["member"] = out["member"].astype("string").fillna("(none)")
    # a dimension the data does not carry (every member empty) is the overall series again, not a slice
    absent = (out["dim"] != OVERALL) & out.groupby(["kpi", "dim"])["member"].transform(lambda m: (m == "(none)").all())
    return out[~absent].dropna(subset=["value"]).sort_values(["kpi", "dim", "member", "period"], ignore_index=True)


def settled(values: pd.DataFrame, rules: Rules, newest: str) -> pd.DataFrame:
    """``values`` without the periods a KPI's ``settle`` keeps from being judged: those ending after
    the end of the period ``settle`` periods before ``newest`` (the data's newest period). A
    win-back, say, is counted once the later order exists: its newest months still grow."""
    if values.empty:
        return values
    step = Period.parse(newest)
    ends = {label: Period.parse(label).end for label in values["period"].astype(str).unique()}
    cut = {k: step.shift(-rules.for_kpi(k).settle).end for k in values["kpi"].unique()}
    keep = values["period"].astype(str).map(ends) <= values["kpi"].map(cut)
    return values[keep.to_numpy(dtype=bool)]


def _higher(card: Scorecard) -> dict[str, bool]:
    return {k.kpi: k.direction.higher for k in card.kpis}


def trend_breaks(values: pd.DataFrame, higher: dict[str, bool], rules: Rules,
                 period: str | None = None, ratios: frozenset = frozenset()) -> pd.DataFrame:
    """Rows of ``values`` (kpi, dim, member, period, value, denominator) whose latest period breaks
    the band. For a rate (``ratios``) the spread is at least its binomial scatter on the latest
    period's count, sqrt(p(1-p)/n), with p the expected rate smoothed by one event ((p*n+1)/(n+2))
    or the rate seen, whichever scatters more: three churned customers among 180 whose history
    shows none are chance, not a break. A break is also worse than every period of the window: a
    level the KPI already had there is no break of its trend."""
    keys = ["kpi", "dim", "member"]
    frame = values if period is None else values[values["period"] <= period]
    last = frame.groupby(keys)["period"].transform("max")
    latest, history = frame[frame["period"] == last], frame[frame["period"] < last]
    if rules.window is not None:
        history = history.groupby(keys, group_keys=False).tail(rules.window)
    stats = history.groupby(keys)["value"].agg(expected="median", n="size", low="min", high="max").reset_index()
    history = history.merge(stats, on=keys)
    history["dev"] = (history["value"] - history["expected"]).abs()
    stats = stats.merge(history.groupby(keys)["dev"].median().rename("mad").reset_index(), on=keys)
    out = latest.merge(stats[stats["n"] >= rules.min_history], on=keys)
    spread = np.maximum(MAD_SCALE * out["mad"], RELATIVE_FLOOR * out["expected"].abs())
    n = pd.to_numeric(out["denominator"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    rate = out["kpi"].isin(ratios).to_numpy() & (n > 0)
    p = np.clip((out["expected"].to_numpy(dtype="float64") * n + 1) / (n + 2), 0, 1)
    seen = np.clip(out["value"].to_numpy(dtype="float64"), 0, 1)
    chance = np.sqrt(np.maximum(p * (1 - p), seen * (1 - seen)) / np.where(rate, n, 1))
    spread = np.maximum(spread, np.where(rate, chance, 0))
    out["lower"], out["upper"] = out["expected"] - rules.k * spread, out["expected"] + rules.k * spread
    up = out["kpi"].map(higher).fillna(True).astype(bool)
    # and worse than every period of the window: a level the KPI already had is no break of its trend
    bad = (up & (out["value"] < out["lower"]) & (out["value"] < out["low"])) | \
        (~up & (out["value"] > out["upper"]) & (out["value"] > out["high"]))
    return out[bad].assign(kind="trend_break")


def reds(values: pd.DataFrame, card: Scorecard) -> pd.DataFrame:
    """Overall rows past the amber limit: the first red after a non-red period (turned_red), the
    later ones (red); one alert per KPI and period."""
    limits = pd.DataFrame([(k.kpi, k.thresholds.amber, k.direction.higher) for k in card.kpis],
                          columns=["kpi", "amber", "up"])
    frame = values[values["dim"] == OVERALL].merge(limits, on="kpi")
    frame["red"] = np.where(frame["up"], frame["value"] < frame["amber"], frame["value"] > frame["amber"])
    before = frame.groupby("kpi")["red"].shift(1).fillna(False).astype(bool)
    red = frame[frame["red"] & before].assign(kind="red")        # turned red says red already
    turned = frame[frame["red"] & ~before].assign(kind="turned_red")
    return pd.concat([red, turned], ignore_index=True).assign(expected=np.nan, lower=np.nan, upper=np.nan)


def card_period(label: str, card: Scorecard) -> str:
    """The newest scorecard period that has ended by the end of period ``label`` (a month's quarter
    once the month closes it, else the quarter before): red is judged against the card's thresholds,
    which are per the card's period, and never on a quarter that is only partly over."""
    p = Period.parse(label)
    if p.granularity is card.granularity:
        return p.label
    q = Period.containing(p.end - pd.Timedelta(days=1), card.granularity)
    return (q if q.end <= p.end else q.shift(-1)).label


def evaluate(values: pd.DataFrame, card_values: pd.DataFrame, card: Scorecard, rules: Rules,
             period: str | None = None) -> list[Alert]:
    """The alerts for ``period`` (default: the newest of ``values``): trend breaks on ``values``
    (per ``rules.every``), red and turned red on ``card_values`` (overall, per the card's period)."""
    if period is not None and period not in set(values["period"].astype(str)):
        raise InputError(f"No KPI of the scorecard has data for {period}.", [Problem("period", period)],
                         hint="Choose a period the data covers.", key="period.no_data",
                         values={"period": period}, hint_key="period.no_data_hint")
    if values.empty:
        return []
    latest, newest = period or values["period"].max(), str(values["period"].max())
    values, card_values = settled(values, rules, newest), settled(card_values, rules, newest)
    groups = rules.groups(values["kpi"].unique())
    ratios = frozenset(d.id for d in resolve_kpis(sorted(set(values["kpi"]))) if d.unit.value == "ratio")
    breaks = pd.concat([trend_breaks(values[values["kpi"].isin(ids)], _higher(card), r, latest, ratios)
                        for r, ids in groups.items()] or [values.assign(kind=[])], ignore_index=True)
    red = reds(card_values, card) if len(card_values) else card_values.assign(kind=[])
    found = pd.concat([breaks[breaks["period"] == latest], red[red["period"] == card_period(latest, card)]],
                      ignore_index=True)
    return [Alert(r.kpi, str(r.period), r.kind, {} if r.dim == OVERALL else {r.dim: str(r.member)},
                  _opt(r.value), _opt(r.expected), _opt(r.lower), _opt(r.upper))
            for r in found.itertuples(index=False)] + turning_red(card_values, card, rules, card_period(latest, card))


def turning_red(card_values: pd.DataFrame, card: Scorecard, rules: Rules, period: str) -> list[Alert]:
    """``turns_red``: a KPI amber in ``period`` whose forecast (``analytics.forecast``, fitted on
    the periods up to ``period``) crosses the amber limit within ``rules.forecast_periods`` card
    periods; value and band are the forecast of the first red period and its 80 % interval. Only
    for KPIs with ``rules.min_history`` periods of history."""
    if not rules.forecast_periods or card_values.empty:
        return []
    frame = card_values[(card_values["dim"] == OVERALL) & (card_values["period"].astype(str) <= period)]
    ratios = {d.id for d in resolve_kpis(sorted(set(frame["kpi"]))) if d.unit.value == "ratio"}
    out = []
    for k in card.kpis:
        table = frame[frame["kpi"] == k.kpi]
        if len(table) < rules.for_kpi(k.kpi).min_history or str(table["period"].max()) != period:
            continue
        now, green, amber = float(table["value"].iloc[-1]), k.thresholds.green, k.thresholds.amber
        if not ((amber <= now < green) if k.direction.higher else (green < now <= amber)):
            continue  # red already (the red alerts say so), or green: it passes amber first
        rows, _ = forecast_table(table, card.granularity.value, rules.forecast_periods, ratio=k.kpi in ratios,
                                 origins=FORECAST_ORIGINS)
        n = periods_until_red(rows["value"].tolist(), k.thresholds.amber, k.direction.higher)
        if n is not None:
            r = rows.iloc[n - 1]
            out.append(Alert(k.kpi, str(r["period"]), "turns_red", {}, float(r["value"]), None,
                             float(r["lower"]), float(r["upper"]), ahead=n))
    return out


def card_series(source, card: Scorecard, rules: Rules, values: pd.DataFrame, every: str) -> pd.DataFrame:
    """The overall series per the card's period (``values`` again when that is ``every``)."""
    if card.granularity is Granularity(every):
        return values[values["dim"] == OVERALL]
    return series(source, card, replace(rules, slices=()), card.granularity.value)


def watched(source, card: Scorecard, rules: Rules, granularity: str | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two series ``evaluate`` reads: per ``granularity`` (default ``rules.every``) with the
    slices, and overall per the card's own period."""
    every = granularity or rules.every
    values = series(source, card, rules, every)
    return values, card_series(source, card, rules, values, every)


def alerts(source, card: Scorecard, rules: Rules = Rules(), period: str | None = None,
           granularity: str | None = None) -> list[Alert]:
    """Every alert of ``card`` on ``source`` for ``period`` (default: the latest); trend breaks per
    ``granularity`` (default ``rules.every``), red kinds per the card's own period."""
    return evaluate(*watched(source, card, rules, granularity), card, rules, period)
