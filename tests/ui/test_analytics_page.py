"""Analytics page (issue 11.3): churn risk with its cross-validated AUC, the calibration table, the
drivers in words, and the download of the customers at highest risk (neutralised CSV)."""
from __future__ import annotations

import io

import pandas as pd

from tests.ui.apptest import open_page


def test_the_churn_tab_shows_the_auc_and_offers_the_top_risk_download(demo_env):
    at = open_page("analytics_page.py", lang="de")
    assert at.title[0].value == "Abwanderungsrisiko und Kampagnenreaktion"
    at.button(key="an_go_churn").click().run(timeout=600)
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    auc = float(metrics["ROC-AUC (kreuzvalidiert)"].replace(",", "."))
    assert 0.0 < auc < 1.0
    calibration = next(d.value for d in at.dataframe if "vorhergesagt" in d.value.columns)
    assert len(calibration) == 10
    assert any("AUC-Punkte" in m.value for m in at.markdown)  # the drivers, in words
    download = next(e for e in at.get("download_button") if "CSV" in e.proto.label)
    assert download.proto.label == "Top 500 als CSV herunterladen"


def test_the_download_is_the_top_risk_as_neutral_csv(demo_env):
    from auth.guard import Principal
    from tests.ui.views_support import demo
    from usecases import datasets
    from usecases import propensity as uc
    from usecases.session import Session

    settings, engine, client = demo()
    session = Session(engine, settings, Principal.local(), client)  # solo mode, as the app runs it
    result = uc.propensity(session, datasets.current_dataset(session), "churn")  # the page's kept answer
    frame = pd.read_csv(io.BytesIO(uc.top_csv(result)), dtype={"customer_id": str})
    assert len(frame) == min(500, len(result.scores)) and "label" not in frame
    assert frame["score"].is_monotonic_decreasing


def test_the_lifecycle_page_has_the_channel_plan_with_a_recommended_channel(demo_env):
    at = open_page("lifecycle_page.py", lang="de")
    tables = [d.value for d in at.dataframe]
    summary = next(v for v in tables if "empfohlener Kanal" in v.columns)
    assert len(summary) == 3 and "Großkunden" in summary["Segment"].tolist()  # segments in words
    plan = next(v for v in tables if "erwarteter Wert je Kontakt" in v.columns)
    assert (plan["empfohlen"] == "✓").sum() == len(summary)  # one recommended channel per segment
    at.selectbox(key="lc_plan_by").select("value_band").run()
    assert "Wertklasse" in next(d.value for d in at.dataframe if "empfohlener Kanal" in d.value.columns).columns


def test_english_labels(demo_env):
    at = open_page("analytics_page.py", lang="en")
    assert at.title[0].value == "Churn risk and campaign response"
    assert [b.label for b in at.button] == ["Compute the model", "Compute the model"]  # churn, response
