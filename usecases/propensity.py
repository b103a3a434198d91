"""Churn risk and campaign response of the client's current data: the analytics page.

Each answer (``analytics.propensity.predict``: out-of-fold scores, quality, drivers, risk by
segment) is kept per (database, client, dataset version, target, churn horizon): a new import is a new key, a
rerun or a second user does not fit the models again. The channel plan
(``analytics.channels.plan``, the lifecycle page) is kept the same way per grouping.
"""
from __future__ import annotations

from analytics.channels import ChannelPlan, plan
from analytics.features import HORIZON_DAYS, check_horizon
from analytics.propensity import TARGETS, Propensity, predict
from core.cells import csv_text
from storage.datasets import DatasetInfo
from usecases import datasets
from usecases.caching import cache
from usecases.session import Session, require

_PROPENSITY = cache("propensity", maxsize=16)
_PLANS = cache("channel_plan", maxsize=32)
TOP = 500  # customers in the download of the highest risk


def propensity(session: Session, info: DatasetInfo, target: str, horizon_days: int = HORIZON_DAYS) -> Propensity:
    """Scores and honest quality for ``target`` (churn or response) on the client's current data;
    churn learnt ``horizon_days`` before the data's last day (a bad value: a located ``InputError``)."""
    require(session, "scorecard.view")
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}")
    horizon = check_horizon(horizon_days) if target == "churn" else HORIZON_DAYS
    key = (session.settings.database_url, session.client_id, info.version, "propensity", target, horizon)
    return _PROPENSITY.get(key, lambda: predict(datasets.source(session, info), target, horizon_days=horizon))


def top_csv(result: Propensity, n: int = TOP) -> bytes:
    """The ``n`` customers with the highest score as CSV (texts neutralised for spreadsheets)."""
    return csv_text(result.top(n).drop(columns="label")).encode("utf-8")


def channel_plan(session: Session, info: DatasetInfo, by: str = "segment") -> ChannelPlan:
    """Expected value of one contact per group (``by``) and channel, with the recommended channel."""
    require(session, "scorecard.view")
    key = (session.settings.database_url, session.client_id, info.version, "channel_plan", by)
    return _PLANS.get(key, lambda: plan(datasets.source(session, info), by=(by,)))
