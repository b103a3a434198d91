"""Sample report content a CRM manager could check by hand (three domains, four KPIs)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd

from core.settings import Settings
from reports.columns import ChartKind, Kind
from reports.content import Figure, MaturitySection, ReportContent, ScorecardSection

CREATED = datetime(2025, 3, 31, 9, 30)


def sample_content(lang: str = "de", text: str | None = None, raw_rows: int = 0) -> ReportContent:
    """``text`` (if given) replaces a text in every table, to test formula injection everywhere."""
    def tx(value: str) -> str:
        return value if text is None else text

    domains = pd.DataFrame({
        "domain": [tx("Strategie"), "Analytisches CRM", "Datenqualität"],
        "weight": [1.0, 2.0, 1.0], "score": [2.5, 3.0, 1.8], "target": [4.0, 4.0, 3.0],
        "gap": [1.5, 1.0, 1.2], "priority": [1.5, 2.0, 1.2], "level": [2, 3, 1]})
    questions = pd.DataFrame({
        "question_id": ["s1", "a1", "d1"], "domain": ["Strategie", "Analytisches CRM", "Datenqualität"],
        "question": ["Gibt es eine CRM-Strategie?", "Gibt es Reporting?", "Werden Dubletten bereinigt?"],
        "answer": [2.5, 3.0, float("nan")], "spread": [2.0, 0.0, float("nan")],
        "note": [tx("Workshop 12.03."), None, "n/a"], "evidence": [None, tx("Report-Katalog"), None]})
    roadmap = pd.DataFrame({
        "domain": ["Strategie"], "question": ["Gibt es eine CRM-Strategie?"], "current": [2.5],
        "target": [4.0], "priority": [1.5], "action": [tx("Strategie schriftlich festlegen")]})
    rows = pd.DataFrame({
        "perspective": ["Finanzen", "Kunde", "Kunde", "Prozesse"],
        "objective": ["Umsatz steigern", "Kunden halten", tx("Zufriedenheit"), "Schneller abschließen"],
        "kpi": ["Umsatz je Kunde", "Churn-Rate", "NPS", "Vertriebszyklus"],
        "unit": ["currency", "ratio", "score", "days"],
        "actual": [1234.56, 0.123, 31.0, 42.5], "target": [1500.0, 0.10, 30.0, 40.0],
        "achievement": [0.823, 0.813, 1.033, 0.941],
        "status": ["red", "amber", "green", "grey"], "trend": ["up", "down", tx("flat"), "up"]})
    perspectives = pd.DataFrame({"perspective": ["Finanzen", "Kunde", "Prozesse"],
                                 "score": [0.823, 0.923, 0.941], "status": ["red", "amber", "green"]})
    by_channel = pd.DataFrame({"channel": ["E-Mail", tx("Web"), "Telefon"],
                               "revenue": [12000.5, 8000.0, 4500.25], "orders": [120, 80, 45]})
    trend = pd.DataFrame({"period": ["2024-Q1", "2024-Q2", "2024-Q3"], "churn_rate": [0.12, 0.11, 0.123]})
    funnel = pd.DataFrame({"stage": ["Interessent", "Lead", "Kunde"], "count": [1000, 300, 90]})
    quality = pd.DataFrame({"entity": ["customers", "orders"], "field": [tx("segment"), "revenue"],
                            "completeness": [0.95, 0.99]})
    raw = ()
    if raw_rows:
        raw = (("orders", pd.DataFrame({
            "order_id": pd.array([f"o{i}" for i in range(raw_rows)], dtype="string"),
            "order_date": pd.date_range("2024-01-01", periods=raw_rows, freq="min"),
            "channel": pd.array(["web", tx("shop")] * (raw_rows // 2) + ["web"] * (raw_rows % 2), dtype="string"),
            "revenue": [float(i % 100) + 0.5 for i in range(raw_rows)],
        })),)
    return ReportContent(
        client=tx("Muster & Co. GmbH"), period="2025-Q1", lang=lang, created_at=CREATED,
        stamp={"model_id": "crm_default", "model_version": "1.2", "dataset_version": "orders@7"},
        maturity=MaturitySection(domains, questions, roadmap, index=2.6, level=domains["level"].min()),  # numpy int
        scorecard=ScorecardSection(rows, perspectives, overall=0.9, overall_status="amber"),
        kpis=(Figure("Umsatz nach Kanal", by_channel, ChartKind.COLUMN, kinds={"revenue": Kind.CURRENCY}),
              Figure("Churn-Rate je Quartal", trend, ChartKind.LINE, kinds={"churn_rate": Kind.PERCENT})),
        lifecycle=(Figure("Trichter", funnel, ChartKind.BAR),),
        data_quality=Figure("Vollständigkeit", quality, kinds={"completeness": Kind.PERCENT}),
        raw=raw)


@contextmanager
def demo_installation(root: Path, customers: int = 300):
    """A SQLite installation in ``root`` with the demo client (``customers`` customers) imported:
    settings, engine, client, dataset info; the engine is forgotten afterwards."""
    from services.importing import load_demo_client
    from storage.db import connect, forget

    settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'cockpit.db'}", demo=False,
                        team_mode=False, max_upload_mb=200)
    engine = connect(settings.database_url)
    client, info = load_demo_client(engine, settings.dataset_dir, customers=customers)
    try:
        yield settings, engine, client, info
    finally:
        forget(settings.database_url)
