"""The report of a seeded demo client, built by services.reporting and opened again with openpyxl:
sheets, native charts, conditional formats, number formats and values against the results computed
directly (assessment.scoring, scorecards.evaluation, kpis.engine); no formula cell from risky texts;
the PDF renders and shows the radar's domains and the scorecard's KPI names."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from core.errors import InputError
from core.query import Filters

PERIOD = "2025-Q4"
CREATED = datetime(2026, 1, 15, 8, 0)
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
RISKY = {"name": '=HYPERLINK("http://evil.example","klick")', "segment": "+Großkunden", "region": "-Nord",
         "product": "@SUM(A1)", "channel": "=1+1", "kept": "\tversteckt"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from services.demo_assessment import seed_demo_rounds
    from tests.reports.samples import demo_installation

    with demo_installation(tmp_path_factory.mktemp("reporting")) as (settings, engine, client, info):
        seed_demo_rounds(engine, client.id)
        yield settings, engine, client, info


@pytest.fixture(scope="module")
def built(demo, tmp_path_factory):
    from reports.pdf import build_pdf
    from reports.workbook import build_workbook
    from services.reporting import board
    from usecases.reports import report_content
    from usecases.session import local_session

    settings, engine, client, _info = demo
    content = report_content(local_session(engine, settings, client), PERIOD, "de", created_at=CREATED)
    folder = tmp_path_factory.mktemp("built")
    build_workbook(content, folder / "report.xlsx")
    build_pdf(board(content), str(folder / "report.pdf"))
    return content, openpyxl.load_workbook(folder / "report.xlsx"), folder / "report.pdf"


def _table(ws, header_row: int) -> pd.DataFrame:
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row)]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    return frame.dropna(how="all")


def _cells(ws, header_row: int, column: str) -> dict:
    header = [c.value for c in ws[header_row]]
    col = header.index(column) + 1
    return {ws.cell(r, 1).value: ws.cell(r, col) for r in range(header_row + 1, ws.max_row + 1)
            if ws.cell(r, 1).value is not None}


def _direct_result(demo):
    """The latest closed round scored straight from the repository and assessment.scoring (no services):
    the demo's open "Workshop 2025" holds votes only and must not stand for the maturity."""
    from assessment.loader import MODELS_DIR, load_model
    from assessment.scoring import score
    from storage import assessments as repo

    _settings, engine, client, _info = demo
    rnd = next(r for r in repo.list_rounds(engine, client.id) if r.status == "closed")
    model = load_model(MODELS_DIR / f"{rnd.model_id}.yaml")
    targets = {k: v.target for k, v in repo.targets(engine, client.id, rnd.id).items()}
    votes, ratings = repo.votes_frame(engine, client.id, rnd.id), repo.ratings_frame(engine, client.id, rnd.id)
    return model, score(model, votes, ratings, consensus=rnd.aggregation, targets=targets)


def test_sheets_and_stamp(built, demo):
    _content, book, _pdf = built
    assert book.sheetnames[:5] == ["Deckblatt", "Reifegrad", "Fragen", "Roadmap", "Balanced Scorecard"]
    for sheet in ("KPI Quoten je Quartal", "KPI Summen je Quartal", "KPI Summen je Kanal", "Kundenlebenszyklus",
                  "Datenqualität", "stamp"):
        assert sheet in book.sheetnames
    stamp = {r[0]: r[1] for r in book["stamp"].iter_rows(values_only=True)}
    assert (stamp["model_id"], stamp["model_version"], stamp["round"]) == ("crm_default", "1.0", "Workshop 2024")
    assert stamp["dataset_version"] == str(demo[3].version) and stamp["scorecard"] == "crm_default"
    assert stamp["generator"].startswith("crm-cockpit ") and stamp["created_at"] == "2026-01-15T08:00:00"


def test_maturity_index_domains_and_radar_match_the_scoring(built, demo):
    _content, book, _pdf = built
    model, result = _direct_result(demo)
    cover = book["Deckblatt"]
    values = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
    assert values["CRM-Reifegradindex"] == pytest.approx(result.maturity_index)
    assert values["Reifegradstufe"] == result.staged_level
    ws = book["Reifegrad"]
    domains = _table(ws, 1)
    assert domains["Bereich"].tolist() == [g.name.de for g in model.top_groups]
    assert domains["Ist"].tolist() == pytest.approx([g.score for g in result.groups])
    assert ws["C2"].number_format == "#,##0.0" and ws.freeze_panes == "A2"
    (chart,) = ws._charts
    assert type(chart).__name__ == "RadarChart" and len(chart.series) == 2
    questions = _table(book["Fragen"], 1)
    assert len(questions) == len(model.question_ids)
    assert questions.set_index("Frage-ID")["Bewertung"].astype(float).to_dict() == pytest.approx(
        {q.id: q.rating for q in result.questions}, nan_ok=True)


def test_scorecard_actuals_formats_and_traffic_lights(built, demo):
    from kpis.catalogue import load_catalogue
    from kpis.engine import compute
    from scorecards.evaluation import evaluate
    from scorecards.loader import find_scorecard
    from services.analytics import external_values
    from storage.datasets import dataset_paths

    settings, _engine, _client, info = demo
    _model, maturity = _direct_result(demo)
    card = find_scorecard("crm_default")
    external = external_values(info, maturity.maturity_index)
    actuals = compute(dataset_paths(settings.dataset_dir, info), card.engine_kpi_ids, period="quarter",
                      external=external)
    expected = evaluate(card, actuals, PERIOD)
    ws = built[1]["Balanced Scorecard"]
    names = {k.id: k.name.de for k in load_catalogue()}
    header = [c.value for c in ws[2]]
    rows = {ws.cell(r, 3).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 3).value}
    actual_col, status_col = header.index("Ist-Wert") + 1, header.index("Ampel") + 1
    revenue = ws.cell(rows[names["revenue"]], actual_col)
    assert revenue.value == pytest.approx(expected.kpi("revenue").actual) and revenue.data_type == "n"
    assert revenue.number_format == "#,##0.00 [$€-407]"
    churn = ws.cell(rows[names["churn_rate"]], actual_col)
    assert churn.value == pytest.approx(expected.kpi("churn_rate").actual) and churn.number_format == "0.0%"
    shown = {"green": "Grün", "amber": "Gelb", "red": "Rot", "grey": "Grau"}
    assert ws.cell(rows[names["win_rate"]], status_col).value == shown[expected.kpi("win_rate").status.value]
    rules = {rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules}
    assert {'"Grün"', '"Gelb"', '"Rot"'} <= rules
    cover = built[1]["Deckblatt"]
    values = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
    assert values["Zielerreichung Scorecard gesamt"] == pytest.approx(expected.score)


def test_kpi_tables_match_the_engine(built, demo):
    from kpis.engine import compute
    from storage.datasets import dataset_paths

    settings, _engine, _client, info = demo
    table = compute(dataset_paths(settings.dataset_dir, info), ["revenue", "win_rate"], period="quarter")
    value = table.set_index(["kpi", "period"])["value"]
    book = built[1]
    ws = book["KPI Summen je Quartal"]
    revenue = _cells(ws, 2, "Umsatz")
    assert ws.cell(3, 1).value == "2023-Q1" and len(revenue) == 12  # the last 12 quarters up to the period
    assert revenue[PERIOD].value == pytest.approx(value[("revenue", PERIOD)])
    assert revenue[PERIOD].number_format == "#,##0.00 [$€-407]"
    (chart,) = ws._charts
    assert type(chart).__name__ == "BarChart" and chart.type == "col"
    rates = book["KPI Quoten je Quartal"]
    win = _cells(rates, 2, "Abschlussquote")
    assert win["2025-Q3"].value == pytest.approx(value[("win_rate", "2025-Q3")]) and win[PERIOD].number_format == "0.0%"
    assert type(rates._charts[0]).__name__ == "LineChart"
    by_channel = compute(dataset_paths(settings.dataset_dir, info), ["revenue"], by=("channel",),
                         filters=Filters(start=date(2025, 10, 1), end=date(2026, 1, 1)))
    shown = _cells(book["KPI Summen je Kanal"], 2, "Umsatz")
    channel_names = {"field_service": "Außendienst", "phone": "Telefon", "store": "Filiale", "web": "Web"}
    assert {k: c.value for k, c in shown.items() if c.value is not None} == pytest.approx(  # names, not ids (14.8)
        {channel_names[c]: v for c, v in zip(by_channel["channel"], by_channel["value"])})


def test_lifecycle_and_quality_sheets(built, demo):
    book = built[1]
    ws = book["Kundenlebenszyklus"]
    assert ws["A1"].value == "Vom Interessenten zum Stammkunden" and ws["A2"].value == "Stufe"
    assert ws["A3"].value == "Interessenten" and ws["B3"].data_type == "n" and ws["C4"].number_format == "0.0%"
    assert len(ws._charts) == 3
    quality = book["Datenqualität"]
    rows = _cells(quality, 2, "Vollständigkeit")
    assert rows["Kunden"].value == pytest.approx(demo[3].quality["entities"]["customers"]["completeness"])
    assert rows["Kunden"].number_format == "0.0%" and "campaign_contacts" not in rows  # names, not ids (14.8)
    assert "Kampagnenkontakte" in rows


@pytest.mark.parametrize("period, message", [("2030-Q1", "no data for period 2030-Q1"), ("2025-Q5", "not a period")])
def test_unknown_period_is_refused(demo, period, message):
    from usecases.reports import report_content
    from usecases.session import local_session

    settings, engine, client, _info = demo
    with pytest.raises(InputError, match=message):
        report_content(local_session(engine, settings, client), period, "de")


@needs_poppler
def test_pdf_renders_and_shows_radar_and_scorecard(built, tmp_path):
    content, _book, pdf = built
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 4
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for domain in content.maturity.domains["domain"]:
        assert domain in text
    for kpi in ("Umsatz", "Abschlussquote", "Abwanderungsquote", "Net Promoter Score"):
        assert kpi in text
    for chart in ("Quoten je Quartal", "Summen je Quartal", "Vom Interessenten zum Stammkunden",
                  "Kundenwert nach Akquisekanal"):
        assert chart in text
    assert "Quoten je Kanal" not in text  # the board PDF leaves the channel tables to the workbook


def test_risky_texts_never_become_formulas(demo, tmp_path):
    from data.demo import generate
    from reports.workbook import build_workbook
    from services.importing import store_frames
    from usecases.reports import report_content
    from usecases.session import local_session
    from storage.clients import create_client

    settings, engine, _client, _info = demo
    frames = generate(customers=80, seed=3)
    customers, orders = frames["customers"], frames["orders"]
    frames["customers"] = customers.assign(name=RISKY["name"], segment=RISKY["segment"], region=RISKY["region"],
                                           kept_note=pd.array([RISKY["kept"]] * len(customers), dtype="string"))
    frames["orders"] = orders.assign(product=RISKY["product"], channel=RISKY["channel"])
    client = create_client(engine, "@Risiko GmbH")
    store_frames(engine, settings.dataset_dir, client.id, frames, label="risky", source="test")
    content = report_content(local_session(engine, settings, client), PERIOD, "de", include_raw=True)
    build_workbook(content, tmp_path / "risky.xlsx")
    book = openpyxl.load_workbook(tmp_path / "risky.xlsx")
    formulas = [(ws.title, c.coordinate) for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {RISKY["name"], RISKY["segment"], RISKY["region"], RISKY["product"], RISKY["channel"]} <= texts
    assert "@Risiko GmbH" in texts and "=1+1" in {c.value for c in book["KPI Summen je Kanal"]["A"]}


def test_the_covers_say_where_the_figures_come_from_in_words_not_ids(built, demo):
    """Issue 14.8: no 'model_id: crm_default', 'round_id: 1', ISO timestamps on the Excel or PDF cover."""
    content, book, pdf = built
    expected = [("Bewertungsrunde", "Workshop 2024"),
                ("Reifegradmodell", f"{content.maturity.model_name} (Version 1.0)"),
                ("Datenstand", f"v{demo[3].version} „{demo[3].label}“"),
                ("Scorecard", f"{content.scorecard.name} · {PERIOD}"),
                ("Erstellt", f"15.01.2026 08:00 · {content.full_stamp()['generator']}")]
    assert content.provenance() == expected and content.maturity.model_name not in ("", "crm_default")
    cover = [tuple(str(v) for v in row if v is not None) for row in book["Deckblatt"].iter_rows(values_only=True)]
    assert all(line in cover for line in expected)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label, value in expected:
        assert f"{label}: {value}" in text
    for raw in ("model_id", "round_id", "created_at", "dataset_version", "2026-01-15T08:00:00"):
        assert raw not in text and not any(raw in cell for line in cover for cell in line), raw
