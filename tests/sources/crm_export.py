"""The demo data as a client's CRM would hold it: German, non-canonical column names, German channel
labels, one text date column in German format and one text number with a decimal comma; written
once as PostgreSQL tables of a schema, once as CSV files, once as Parquet files behind a DuckDB
file's views, each with a manifest that maps it back (the same mapping for all three)."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import yaml

from data.demo import generate
from sources.connection import quote

#: entity -> (table, {canonical field: client column})
TABLES = {
    "customers": ("kunden", {"customer_id": "kunden_nr", "name": "firma", "segment": "kundensegment",
                             "region": "gebiet", "acquisition_channel": "herkunft", "lifecycle_stage": "status",
                             "created_at": "angelegt_am", "churned": "gekuendigt", "churned_at": "gekuendigt_am"}),
    "campaigns": ("kampagnen", {"campaign_id": "kampagne", "name": "titel", "channel": "werbekanal",
                                "start_date": "beginn", "end_date": "ende", "cost": "budget_eur"}),
    "campaign_contacts": ("kontakte", {"channel": "kanal", "responded": "reagiert", "campaign_id": "kampagne",
                                       "customer_id": "kunde", "contacted_at": "kontaktiert_am",
                                       "converted": "abschluss", "cost": "stueckkosten"}),
    "opportunities": ("chancen", {"opportunity_id": "chance_nr", "stage": "phase", "customer_id": "kunde",
                                  "source_channel": "quelle", "created_at": "erstellt", "closed_at": "geschlossen",
                                  "amount": "betrag", "won": "gewonnen"}),
    "orders": ("auftraege", {"channel": "vertriebskanal", "product": "artikel", "order_id": "beleg",
                             "customer_id": "debitor", "order_date": "belegdatum", "product_category": "warengruppe",
                             "quantity": "menge", "revenue": "umsatz_netto"}),
    "service_tickets": ("tickets", {"ticket_id": "fall", "opened_at": "eingang", "customer_id": "kunde",
                                    "channel": "eingangskanal", "resolved_at": "erledigt_am", "type": "anliegen",
                                    "cost": "aufwand", "first_contact_resolution": "erstloesung",
                                    "satisfaction": "zufriedenheit"}),
    "surveys": ("umfragen", {"score": "punkte", "customer_id": "kunde", "answered_at": "datum", "kind": "art"}),
}
LABELS = {"email": "E-Mail", "mailing": "Postmailing", "phone": "Telefon", "web": "Web", "field_service": "Außendienst",
          "social": "Social Media", "store": "Filiale"}
TRANSLATED = {"customers": "acquisition_channel", "orders": "channel"}  # stored as German labels
GERMAN_DATE = ("service_tickets", "opened_at")  # text "dd.mm.yyyy HH:MM:SS"
COMMA_NUMBER = ("service_tickets", "cost")  # text with a decimal comma (the entity's decimal: ",")
YES_NO = ("opportunities", "won")  # text ja/nein
PG_TYPES = {"string": "text", "datetime64[us]": "timestamp", "float64": "double precision", "boolean": "boolean"}


def client_frames(customers: int = 300) -> dict[str, pd.DataFrame]:
    """The demo entities under the client's names and values (typed as the database holds them)."""
    out = {}
    for name, frame in generate(customers).items():
        frame = frame.copy()
        if name in TRANSLATED:
            col = TRANSLATED[name]
            frame[col] = frame[col].map(lambda v: LABELS.get(v, v), na_action="ignore").astype("string")
        if name == GERMAN_DATE[0]:
            d = frame[GERMAN_DATE[1]]
            frame[GERMAN_DATE[1]] = d.dt.strftime("%d.%m.%Y %H:%M:%S").astype("string").where(d.notna())
            c = frame[COMMA_NUMBER[1]]
            frame[COMMA_NUMBER[1]] = c.map(lambda v: repr(float(v)).replace(".", ","), na_action="ignore").astype("string")
        if name == YES_NO[0]:
            w = frame[YES_NO[1]]
            frame[YES_NO[1]] = w.map(lambda v: "ja" if v else "nein", na_action="ignore").astype("string")
        out[name] = frame.rename(columns=TABLES[name][1])
    return out


def as_of(customers: int = 300) -> pd.Timestamp:
    """The latest timestamp of any date field in the demo data: what a live source over it shows as "as of"."""
    return max(frame[c].max() for frame in generate(customers).values()
               for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c]))


def mapping(name: str) -> dict:
    """The manifest entry of ``name`` without its file: or source: key."""
    entry: dict = {"columns": dict(TABLES[name][1])}
    if name in TRANSLATED:
        entry["values"] = {TRANSLATED[name]: {label: code for code, label in LABELS.items()}}
    if name == "service_tickets":
        entry["decimal"] = ","
    return entry


def write_manifest(path: Path, where: dict[str, dict]) -> Path:
    """A manifest at ``path``: ``where[entity]`` is ``{"file": ...}`` or ``{"source": {...}}``."""
    body = {name: {**where[name], **mapping(name)} for name in TABLES}
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_files(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    """CSV files (the file import's path) and their manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        out = frame.copy()
        if name == "service_tickets":  # the entity's numbers all with a decimal comma, as decimal: "," says
            s = out["zufriedenheit"]
            out["zufriedenheit"] = s.map(lambda v: repr(float(v)).replace(".", ","), na_action="ignore")
        out.to_csv(folder / f"{TABLES[name][0]}.csv", index=False, date_format="%Y-%m-%d %H:%M:%S")
    return write_manifest(folder / "manifest.yaml", {n: {"file": f"{TABLES[n][0]}.csv"} for n in TABLES})


def load_postgres(con, schema: str, frames: dict[str, pd.DataFrame]) -> None:
    """The tables in ``schema`` (created here) of a psycopg connection, rows by COPY."""
    con.execute(f"CREATE SCHEMA {quote(schema)}")
    for name, frame in frames.items():
        table = f"{quote(schema)}.{quote(TABLES[name][0])}"
        cols = ", ".join(f"{quote(c)} {PG_TYPES[str(frame[c].dtype)]}" for c in frame.columns)
        con.execute(f"CREATE TABLE {table} ({cols})")
        with con.cursor().copy(f"COPY {table} ({', '.join(map(quote, frame.columns))}) FROM STDIN") as copy:
            for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
                copy.write_row(row)


def live_manifest(path: Path, schema: str, url: str = "${CRM_DB_URL}", timeout_s: float | None = None) -> Path:
    extra = {"timeout_s": timeout_s} if timeout_s else {}
    return write_manifest(path, {n: {"source": {"url": url, "table": f"{schema}.{TABLES[n][0]}", **extra}}
                                 for n in TABLES})


def load_duckdb(file: Path, schema: str, frames: dict[str, pd.DataFrame]) -> None:
    """Parquet files beside ``file`` and a DuckDB database whose ``schema`` has a view over each."""
    con = duckdb.connect(str(file))
    con.execute(f"CREATE SCHEMA {quote(schema)}")
    for name, frame in frames.items():
        parquet = file.parent / f"{TABLES[name][0]}.parquet"
        frame.to_parquet(parquet, index=False)
        con.execute(f"CREATE VIEW {quote(schema)}.{quote(TABLES[name][0])} AS SELECT * FROM "
                    f"read_parquet('{parquet.as_posix()}')")
    con.close()
