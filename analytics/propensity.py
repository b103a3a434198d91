"""Propensity: churn risk and campaign response per customer, scored out of fold.

``predict(source, "churn"|"response")`` builds the customer table (``analytics.features``), fits
scikit-learn's ``HistGradientBoostingClassifier`` in stratified k-fold cross-validation and gives
every customer the score of the model that did NOT see them (out of fold). Quality (ROC AUC,
Brier score, reliability bins) and the drivers (permutation importance on each held-out fold)
are measured on those held-out rows only, never on training rows. See docs/analytics.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from analytics.features import CATEGORIES, HORIZON_DAYS, SourceLike, check_horizon, current_table, feature_table
from core.errors import InputError, Problem

TARGETS = ("churn", "response")
FOLDS = 5
BINS = 10
IMPORTANCE_ROWS = 2000   # held-out rows per fold on which the drivers are measured
METHOD = "HistGradientBoostingClassifier, stratified 5-fold cross-validation (out-of-fold scores)"


@dataclass(frozen=True, eq=False)
class Propensity:
    target: str
    scores: pd.DataFrame        # customer_id, score (out of fold), label, segment fields
    quality: dict               # auc, brier, base_rate, customers, positives, folds, method
    reliability: pd.DataFrame   # bin, customers, mean_score, observed_rate, positives
    drivers: pd.DataFrame       # feature, importance (AUC lost when shuffled), std
    risk: dict[str, pd.DataFrame] = field(default_factory=dict)  # field -> customers, positives, rates
    current: pd.DataFrame | None = None  # churn with a time split: today's customers, scored by a model of all rows

    def top(self, n: int = 100) -> pd.DataFrame:
        """The ``n`` customers with the highest score (the list to act on): today's customers when
        the churn model learnt at a cut-off, else the out-of-fold scores."""
        table = self.scores if self.current is None else self.current
        return table.sort_values(["score", "customer_id"], ascending=[False, True]).head(n).reset_index(drop=True)


def model(seed: int = 0) -> HistGradientBoostingClassifier:
    """The one model: gradient boosting that takes categories and empty cells as they are."""
    return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.08, max_leaf_nodes=15,
                                          l2_regularization=1.0, categorical_features="from_dtype",
                                          random_state=seed)


def predict(source: SourceLike, target: str, folds: int = FOLDS, seed: int = 0,
            horizon_days: int = HORIZON_DAYS) -> Propensity:
    """Out-of-fold scores, quality, drivers and risk by segment for ``target``; churn with dates is
    learnt at a cut-off ``horizon_days`` before the data's last day (``analytics.features.time_split``)."""
    if target not in TARGETS:
        raise InputError(f"unknown target {target!r}", [Problem("target", target)], hint="churn or response",
                         key="analytics.err.target", hint_key="analytics.err.target_hint", values={"target": target})
    check_horizon(horizon_days)
    customers, features, label = feature_table(source, target, horizon_days)
    positives = int(label.sum())
    if min(positives, len(label) - positives) < folds:
        raise InputError(f"{target}: too few customers of one kind to cross-validate",
                         [Problem(f"{target} label", f"{positives} yes, {len(label) - positives} no",
                                  key="analytics.err.yes_no", values=(("yes", positives), ("no", len(label) - positives)))],
                         hint=f"at least {folds} of each are needed", key="analytics.err.too_few",
                         hint_key="analytics.err.too_few_hint", values={"target": target, "folds": folds})
    scores, drivers = out_of_fold(features, label, folds, seed)
    table = segment_fields(customers, pd.DataFrame({"customer_id": customers["customer_id"].astype("string"),
                                                    "score": scores, "label": label.astype("int64")}))
    quality = {"target": target, "auc": float(roc_auc_score(label, scores)),
               "brier": float(brier_score_loss(label, scores)), "base_rate": float(label.mean()),
               "brier_base": float(label.mean() * (1 - label.mean())), "customers": int(len(label)),
               "positives": positives, "folds": folds, "features": int(features.shape[1]), "method": METHOD,
               "horizon_days": horizon_days if target == "churn" else None}
    risk = {name: risk_by(table, name) for name in CATEGORIES if name in table and table[name].notna().any()}
    now = current_table(source, features) if target == "churn" else None
    current = None
    if now is not None:
        stay, columns = now
        current = segment_fields(stay, pd.DataFrame({
            "customer_id": stay["customer_id"].astype("string"),
            "score": fit(features, label, seed).predict_proba(columns)[:, 1], "label": 0}))
    return Propensity(target, table, quality, reliability(label, scores), drivers, risk, current)


def segment_fields(customers: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the customers' segment fields (as text) beside the scores."""
    for name in CATEGORIES:
        if name in customers:
            table[name] = customers[name].astype("string")
    return table


def out_of_fold(features: pd.DataFrame, label: np.ndarray, folds: int = FOLDS,
                seed: int = 0) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's score from the model fitted without its fold, and permutation importance
    measured on the held-out folds (mean and spread over folds)."""
    scores = np.full(len(label), np.nan)
    importances = []
    rng = np.random.default_rng(seed)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(features, label):
        fitted = model(seed).fit(features.iloc[train], label[train])
        scores[test] = fitted.predict_proba(features.iloc[test])[:, 1]
        held = test if len(test) <= IMPORTANCE_ROWS else rng.choice(test, IMPORTANCE_ROWS, replace=False)
        if len(np.unique(label[held])) == 2:
            result = permutation_importance(fitted, features.iloc[held], label[held], scoring="roc_auc",
                                            n_repeats=2, random_state=seed)
            importances.append(result.importances_mean)
    values = np.array(importances) if importances else np.zeros((1, features.shape[1]))
    drivers = pd.DataFrame({"feature": features.columns.astype(str), "importance": values.mean(axis=0),
                            "std": values.std(axis=0)})
    return scores, drivers.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def reliability(label: np.ndarray, scores: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """Calibration table: customers in score deciles, mean score against the observed rate."""
    frame = pd.DataFrame({"score": scores, "label": label})
    frame["bin"] = pd.qcut(frame["score"].rank(method="first"), bins, labels=False) + 1
    out = frame.groupby("bin").agg(customers=("label", "size"), mean_score=("score", "mean"),
                                   positives=("label", "sum"))
    out["observed_rate"] = out["positives"] / out["customers"]
    return out.reset_index()[["bin", "customers", "mean_score", "positives", "observed_rate"]]


def risk_by(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Per value of ``name``: customers, mean score and the observed rate (positives / customers)."""
    out = (table.assign(**{name: table[name].fillna("–")}).groupby(name, observed=True)
           .agg(customers=("score", "size"), mean_score=("score", "mean"), positives=("label", "sum")))
    out["observed_rate"] = out["positives"] / out["customers"]
    return out.reset_index().sort_values("mean_score", ascending=False).reset_index(drop=True)


def fit(features: pd.DataFrame, label: np.ndarray, seed: int = 0) -> HistGradientBoostingClassifier:
    """The model on every row, to score customers it has not seen (new ones, a benchmark)."""
    return model(seed).fit(features, label)
