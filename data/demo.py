"""Synthetic CRM data for all seven canonical entities: deterministic for a seed, vectorised.

Three years of history (2023-2025) with seasonality and growth; channels with their own cost,
response and conversion rates; segments and German regions; leads -> opportunities -> customers;
orders with repeat purchases, cross-selling and win-backs after churn; service tickets with
complaints, resolution times, first-contact resolution and satisfaction; NPS and CSAT surveys.
Churn follows behaviour (``BEHAVIOUR``: discontent, tickets, complaints, scores, fading orders);
customers are created up to the data's last day, a win-back follows its churn after a delay.
``generate`` returns canonical frames (dtypes per ``data.schema``); ``write_csv`` writes them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data.demo_profile import (START, END, DAYS, SEASON, CHANNELS, SEGMENTS, CAMPAIGN_LABELS, SEASON_NAMES, REGIONS,
                               REGION_SHARE, CATALOGUE, ORDER_CHANNELS, TICKET_TYPES, OPEN_STAGES,
                               RESPONSE_OPPORTUNITY_SHARE, BEHAVIOUR, draw_days, as_dates, make_ids, draw_from,
                               as_text, any_product as _any_product)
from data.schema import ENTITY_NAMES, load_schema


def generate(customers: int = 5000, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Canonical frames for all seven entities; same arguments -> identical frames."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    rng = np.random.default_rng(seed)
    cust = _customers(rng, customers, np.random.default_rng([seed, 2]))
    frames = {"customers": cust}
    frames["campaigns"], frames["campaign_contacts"] = _campaigns(rng, cust)
    frames["opportunities"] = _opportunities(rng, cust, frames["campaign_contacts"], np.random.default_rng([seed, 1]))
    frames["orders"] = _orders(rng, cust)
    frames["service_tickets"] = _tickets(rng, cust)
    frames["surveys"] = _surveys(rng, cust, frames["service_tickets"])
    return {name: _conform(name, frames[name]) for name in ENTITY_NAMES}


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = load_schema()[name]
    return pd.DataFrame({f.name: frame[f.name].astype(f.type.pandas_dtype) for f in schema.fields})


def _customers(rng: np.random.Generator, n: int, mood: np.random.Generator) -> pd.DataFrame:
    """Customers; ``mood`` draws the hidden discontent (standard normal) that scales the churn
    hazard by exp(b * z) (mean-corrected, so the churn level stays) and drives tickets and scores."""
    seg = draw_from(rng, SEGMENTS, n, 0)
    created = np.sort(draw_days(rng, n, 0, DAYS, growth=0.35))
    channel = draw_from(rng, CHANNELS, n, 3)
    unhappy = mood.normal(0.0, 1.0, n)
    hazard = np.exp(BEHAVIOUR["churn"] * unhappy - BEHAVIOUR["churn"] ** 2 / 2)
    life = rng.exponential(1500.0, n) * np.array([1.0, 1.3, 1.8])[seg] / hazard  # corporate stays longer
    churn_day = created + 60 + life.astype(int)
    churned = churn_day < DAYS - 1
    stage = np.where(churned, "churned", np.where(created > DAYS - 120, "new", "active"))
    return pd.DataFrame({
        "customer_id": as_text(make_ids("K", n, 6)),
        "name": as_text(np.char.add("Kunde ", np.arange(1, n + 1).astype(str))),
        "segment": as_text(np.array(list(SEGMENTS))[seg]),
        "region": as_text(np.array(REGIONS)[rng.choice(len(REGIONS), n, p=REGION_SHARE)]),
        "acquisition_channel": as_text(np.array(list(CHANNELS))[channel]),
        "lifecycle_stage": as_text(stage),
        "created_at": as_dates(created),
        "churned": pd.array(churned, dtype="boolean"),
        "churned_at": as_dates(np.where(churned, churn_day, 0)).where(churned),
        "_seg": seg, "_created": created, "_until": np.where(churned, churn_day, DAYS - 1),
        "_churned": churned, "_unhappy": unhappy,
    })


def _campaigns(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_cust = len(cust)
    n_contacts = int(n_cust * 17.5)
    names = np.array(list(CHANNELS))
    params = np.array(list(CHANNELS.values()))
    n_camp = int(np.clip(n_cust // 150, 14, 600))
    camp_channel = np.concatenate([np.arange(len(names)), draw_from(rng, CHANNELS, n_camp - len(names), 3)])
    start = np.sort(draw_days(rng, n_camp, 0, DAYS - 45))
    length = rng.integers(14, 60, n_camp)
    size_weight = params[camp_channel, 3] * rng.uniform(0.6, 1.4, n_camp)
    camp = rng.choice(n_camp, n_contacts, p=size_weight / size_weight.sum())
    ch = camp_channel[camp]
    offset = start[camp] + (rng.random(n_contacts) * length[camp]).astype(int)
    month = (START + offset.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12
    who = rng.integers(0, n_cust, n_contacts)
    cool = np.exp(-BEHAVIOUR["response"] * cust["_unhappy"].to_numpy()[who] - BEHAVIOUR["response"] ** 2 / 2)
    p_resp = np.clip(params[ch, 1] * SEASON[month] * rng.uniform(0.8, 1.2, n_camp)[camp] * cool, 0, 1)
    responded = rng.random(n_contacts) < p_resp
    converted = responded & (rng.random(n_contacts) < params[ch, 2])
    cost = np.round(params[ch, 0] * rng.uniform(0.85, 1.15, n_contacts), 2)
    camp_ids = make_ids("KAM-", n_camp, 4)
    contacts = pd.DataFrame({
        "channel": as_text(names[ch]),
        "responded": pd.array(responded, dtype="boolean"),
        "campaign_id": as_text(camp_ids[camp]),
        "customer_id": cust["customer_id"].to_numpy()[who],
        "contacted_at": as_dates(offset),
        "converted": pd.array(converted, dtype="boolean"),
        "cost": cost,
    }).sort_values(["contacted_at", "campaign_id"], kind="stable").reset_index(drop=True)
    spent = np.bincount(camp, weights=cost, minlength=n_camp)
    year = (START + start.astype("timedelta64[D]")).astype("datetime64[Y]").astype(int) + 1970
    month = (START + start.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12
    campaigns = pd.DataFrame({
        "campaign_id": as_text(camp_ids),
        "name": as_text(np.char.add(np.char.add(np.array(CAMPAIGN_LABELS)[camp_channel], SEASON_NAMES[month]),
                                  year.astype(str))),
        "channel": as_text(names[camp_channel]),
        "start_date": as_dates(start),
        "end_date": as_dates(start + length),
        "cost": np.round(spent * 1.08 + rng.uniform(200, 2500, n_camp), 2),
    })
    return campaigns, contacts


def _opportunities(rng: np.random.Generator, cust: pd.DataFrame, contacts: pd.DataFrame,
                   tie: np.random.Generator) -> pd.DataFrame:
    """Opportunities; a share follows a campaign response (``tie`` draws those, so that the main
    random stream, and with it every later entity, stays as it was)."""
    n = int(len(cust) * 1.3)
    who = rng.integers(0, len(cust), n)
    created = draw_days(rng, n, 0, DAYS - 1)
    responses = contacts[contacts["responded"].to_numpy(dtype=bool, na_value=False)]
    if len(responses):
        tied = np.flatnonzero(tie.random(n) < RESPONSE_OPPORTUNITY_SHARE)
        pick = tie.integers(0, len(responses), len(tied))
        who[tied] = pd.Index(cust["customer_id"]).get_indexer(responses["customer_id"].to_numpy()[pick])
        day = ((responses["contacted_at"].to_numpy()[pick] - START) // np.timedelta64(1, "D")).astype(int)
        created[tied] = np.minimum(day + tie.integers(0, 30, len(tied)), DAYS - 2)
    seg = cust["_seg"].to_numpy()[who]
    seg_params = np.array(list(SEGMENTS.values()))
    cycle = rng.gamma(2.0, seg_params[seg, 2] / 2.0).astype(int) + 1
    closed = created + cycle
    is_open = closed >= DAYS - 1
    channel = draw_from(rng, CHANNELS, n, 3)
    win_p = np.clip(0.22 + np.array(list(CHANNELS.values()))[channel, 2] * 0.6, 0, 0.9)
    won = (rng.random(n) < win_p) & ~is_open
    lost = ~won & ~is_open
    stage = np.where(won, "closed_won", np.where(lost, "closed_lost",
                                                  np.array(OPEN_STAGES)[rng.integers(0, 3, n)]))
    amount = np.round(rng.lognormal(np.log(seg_params[seg, 1]), 0.55), 2)
    order = np.argsort(created, kind="stable")
    frame = pd.DataFrame({
        "opportunity_id": as_text(make_ids("OPP-", n, 6)),
        "stage": as_text(stage[order]),
        "customer_id": cust["customer_id"].to_numpy()[who[order]],
        "source_channel": as_text(np.array(list(CHANNELS))[channel[order]]),
        "created_at": as_dates(created[order]),
        "closed_at": as_dates(np.where(is_open, 0, closed)[order]).where(~is_open[order]),
        "amount": amount[order],
        "won": pd.array(np.where(is_open, None, won)[order], dtype="boolean"),
    })
    return frame


def _orders(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    seg = cust["_seg"].to_numpy()
    created, until = cust["_created"].to_numpy(), cust["_until"].to_numpy()
    years = np.maximum(until - created, 1) / 365.0
    unhappy = cust["_unhappy"].to_numpy()
    per_year = np.array(list(SEGMENTS.values()))[seg, 3] * np.exp(-BEHAVIOUR["orders"] * unhappy - BEHAVIOUR["orders"] ** 2 / 2)
    count = 1 + rng.poisson(np.clip(per_year * years * 0.9 / 0.8, 0.2, 40))
    # win-back: a quarter of churned customers order again, the first time a delay after the churn
    # (orders past the data's end are not seen yet: the newest churners are still being won back)
    churned = cust["_churned"].to_numpy()
    back = churned & (rng.random(len(cust)) < 0.25)
    back_count = np.where(back, 1 + rng.poisson(0.8, len(cust)), 0)
    delay = 7 + rng.exponential(BEHAVIOUR["win_back_days"], len(cust)).astype(int)
    who = np.concatenate([np.repeat(np.arange(len(cust)), count), np.repeat(np.arange(len(cust)), back_count)])
    after = np.concatenate([np.zeros(count.sum(), bool), np.ones(back_count.sum(), bool)])
    lead = after & np.r_[True, (who[1:] != who[:-1]) | (after[1:] != after[:-1])]  # a win-back's first order
    lo = np.where(after, until[who] + delay[who], created[who])
    hi = np.where(after, np.maximum(lo + 1, DAYS - 1), until[who])
    day = lo + (np.where(lead, 0.0, rng.random(len(who))) * np.maximum(hi - lo, 1)).astype(int)
    month = (START + np.minimum(day, DAYS - 1).astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12
    first = (np.r_[True, who[1:] != who[:-1]] & ~after) | lead  # every customer keeps its first order
    keep = first | (rng.random(len(who)) < SEASON[month] / SEASON.max())  # seasonality by thinning
    fading = ~after & churned[who] & (day > until[who] - BEHAVIOUR["fade_days"])  # fewer orders before a churn
    keep &= ~fading | first | (rng.random(len(who)) < BEHAVIOUR["fade_keep"])
    keep &= day < DAYS
    who, after, day = who[keep], after[keep], day[keep]
    cats = list(CATALOGUE)
    home = rng.integers(0, len(cats), len(cust))
    cat = np.where(rng.random(len(who)) < 0.68, home[who], rng.integers(0, len(cats), len(who)))
    products = [(c, name, price) for c in cats for name, price in CATALOGUE[c]]
    cat_of = np.array([cats.index(p[0]) for p in products])
    pick = np.array([rng.choice(np.flatnonzero(cat_of == c)) for c in range(len(cats))])
    prod = np.where(rng.random(len(who)) < 0.5, pick[cat], _any_product(rng, cat, cat_of))
    price = np.array([p[2] for p in products])[prod]
    qty = 1 + rng.poisson(0.6 * np.array(list(SEGMENTS.values()))[seg[who], 4])
    discount = rng.choice([0.0, 0.05, 0.1, 0.15], len(who), p=[0.6, 0.2, 0.15, 0.05])
    ch = np.empty(len(who), dtype=object)
    u = rng.random(len(who))
    for s, opts in enumerate(ORDER_CHANNELS.values()):  # loop over 3 segments, not rows
        cum = np.cumsum([p for _, p in opts])
        idx = np.searchsorted(cum / cum[-1], u, side="right").clip(0, len(opts) - 1)
        mask = seg[who] == s
        ch[mask] = np.array([c for c, _ in opts])[idx[mask]]
    order = np.lexsort((who, day))
    n = len(who)
    return pd.DataFrame({
        "channel": as_text(ch[order].astype(str)),
        "product": as_text(np.array([p[1] for p in products])[prod[order]]),
        "order_id": as_text(make_ids("A", n, 8)),
        "customer_id": cust["customer_id"].to_numpy()[who[order]],
        "order_date": as_dates(day[order]),
        "product_category": as_text(np.array(cats)[cat[order]]),
        "quantity": qty[order].astype("float64"),
        "revenue": np.round(price * qty * (1 - discount), 2)[order],
    })


def _tickets(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    n = int(len(cust) * 0.9)
    unhappy = cust["_unhappy"].to_numpy()
    weight = np.exp(BEHAVIOUR["tickets"] * unhappy) * (cust["_until"].to_numpy() - cust["_created"].to_numpy() + 30)
    who = rng.choice(len(cust), n, p=weight / weight.sum())  # the discontent call more often
    created, until = cust["_created"].to_numpy()[who], cust["_until"].to_numpy()[who]
    day = created + (rng.random(n) * np.maximum(until - created, 1)).astype(int)
    late = cust["_churned"].to_numpy()[who] & (rng.random(n) < BEHAVIOUR["late_share"])  # trouble before a churn
    day = np.where(late, np.maximum(created, until - (rng.random(n) * BEHAVIOUR["late_days"]).astype(int)), day)
    secs = rng.integers(8 * 3600, 18 * 3600, n)
    kind = rng.choice(len(TICKET_TYPES), n, p=[t[1] for t in TICKET_TYPES])
    complaint = rng.random(n) < np.clip(TICKET_TYPES[2][1] * np.exp(BEHAVIOUR["complaints"] * unhappy[who]), 0, 0.8)
    kind = np.where(complaint, 2, np.where(kind == 2, rng.integers(0, 2, n), kind))  # and complain more
    base_hours = np.array([t[2] for t in TICKET_TYPES])[kind]
    fcr = rng.random(n) < np.array([t[3] for t in TICKET_TYPES])[kind]
    hours = np.where(fcr, rng.uniform(0.1, 2.0, n), rng.lognormal(np.log(base_hours), 0.7))
    opened = START.astype("datetime64[s]") + day.astype("timedelta64[D]") + secs.astype("timedelta64[s]")
    resolved = opened + (hours * 3600).astype("int64").astype("timedelta64[s]")
    unresolved = (resolved >= END.astype("datetime64[s]")) | (rng.random(n) < 0.03)
    sat = np.clip(np.round(4.6 - 0.9 * (kind == 2) - 0.02 * hours + 0.4 * fcr - BEHAVIOUR["satisfaction"] * unhappy[who]
                           + rng.normal(0, 0.7, n)), 1, 5)
    answered = (rng.random(n) < 0.6) & ~unresolved
    order = np.argsort(opened, kind="stable")
    return pd.DataFrame({
        "ticket_id": as_text(make_ids("T", n, 7)),
        "opened_at": pd.Series(opened[order].astype("datetime64[us]")),
        "customer_id": cust["customer_id"].to_numpy()[who[order]],
        "channel": as_text(np.array(["phone", "email", "web", "store"])[rng.choice(4, n, p=[.4, .35, .15, .1])]),
        "resolved_at": pd.Series(resolved[order].astype("datetime64[us]")).where(~unresolved[order]),
        "type": as_text(np.array([t[0] for t in TICKET_TYPES])[kind[order]]),
        "cost": np.round(12.0 + hours * 6.5, 2)[order],
        "first_contact_resolution": pd.array(fcr[order], dtype="boolean"),
        "satisfaction": np.where(answered, sat, np.nan)[order],
        "_who": who[order], "_complaint": (kind == 2)[order],
    })


def _surveys(rng: np.random.Generator, cust: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    n = int(len(cust) * 0.55)
    who = rng.integers(0, len(cust), n)
    created, until = cust["_created"].to_numpy()[who], cust["_until"].to_numpy()[who]
    day = created + (rng.random(n) * np.maximum(until - created, 1)).astype(int)
    complained = np.zeros(len(cust), dtype=bool)
    complained[tickets["_who"].to_numpy()[tickets["_complaint"].to_numpy()]] = True
    complained = complained[who]
    mood = rng.normal(8.1, 1.8, n) - 2.2 * complained - BEHAVIOUR["survey"] * cust["_unhappy"].to_numpy()[who]
    is_nps = rng.random(n) < 0.7
    score = np.where(is_nps, np.clip(np.round(mood), 0, 10), np.clip(np.round(1 + mood * 0.42), 1, 5))
    order = np.argsort(day, kind="stable")
    return pd.DataFrame({
        "score": score[order].astype("float64"),
        "customer_id": cust["customer_id"].to_numpy()[who[order]],
        "answered_at": as_dates(day[order]),
        "kind": as_text(np.where(is_nps, "nps", "csat")[order]),
    })


def write_csv(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> dict[str, Path]:
    """One UTF-8 CSV per entity with canonical headers, ISO dates (with time only where a column
    has times), true/false; identical bytes for identical frames."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in ENTITY_NAMES:
        if name not in frames:
            continue
        frame = frames[name]
        table = pa.Table.from_pandas(frame, preserve_index=False)
        for i, col in enumerate(frame.columns):
            s = frame[col]
            if pd.api.types.is_datetime64_any_dtype(s):
                values = s.dropna()
                timed = bool((values != values.dt.normalize()).any())
                table = table.set_column(i, col, table.column(i).cast(pa.timestamp("s") if timed else pa.date32()))
        path = out / f"{name}.csv"
        try:  # unquoted when no value needs quotes (the demo's never do), else pyarrow's quoting
            pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none", quoting_header="none"))
        except pa.ArrowInvalid:
            pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_header="none"))
        paths[name] = path
    return paths
