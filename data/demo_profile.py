"""The shape of the demo company (``data.demo``): its calendar, channels, segments, regions,
product catalogue and service mix, and the vectorised drawing helpers the generators share."""
from __future__ import annotations

import numpy as np
import pandas as pd

START = np.datetime64("2023-01-01")
END = np.datetime64("2026-01-01")  # exclusive
DAYS = int((END - START) / np.timedelta64(1, "D"))
SEASON = np.array([0.8, 0.85, 1.0, 1.1, 1.05, 0.9, 0.75, 0.8, 1.05, 1.15, 1.3, 1.25])  # Jan..Dec

#: channel: (cost per contact EUR, response rate, conversion rate of responders, share of contacts)
CHANNELS = {
    "email": (0.05, 0.030, 0.12, 0.34),
    "mailing": (0.95, 0.055, 0.18, 0.14),
    "phone": (4.50, 0.120, 0.22, 0.10),
    "web": (0.30, 0.020, 0.30, 0.16),
    "field_service": (38.0, 0.260, 0.40, 0.04),
    "social": (0.40, 0.015, 0.08, 0.14),
    "store": (2.00, 0.085, 0.33, 0.08),
}
#: segment: (share, mean deal amount EUR, mean sales cycle days, orders per year, units factor)
SEGMENTS = {
    "private": (0.62, 900.0, 12.0, 2.2, 1.0),
    "small_business": (0.28, 6500.0, 34.0, 3.0, 2.5),
    "corporate": (0.10, 42000.0, 80.0, 4.0, 8.0),
}
CAMPAIGN_LABELS = ("E-Mail-Newsletter ", "Mailing ", "Telefonaktion ", "Web-Aktion ", "Außendienst-Tour ",
                   "Social-Kampagne ", "Filialaktion ")
SEASON_NAMES = np.array(["Winter ", "Winter ", "Frühjahr ", "Frühjahr ", "Frühjahr ", "Sommer ", "Sommer ",
                         "Sommer ", "Herbst ", "Herbst ", "Herbst ", "Winter "])
REGIONS = ("Nord", "Ost", "Süd", "West", "Mitte")
REGION_SHARE = (0.18, 0.14, 0.27, 0.26, 0.15)
#: category: products with unit prices
CATALOGUE = {
    "software": (("CRM Basic", 490.0), ("CRM Pro", 1490.0), ("Analytics Add-on", 690.0)),
    "hardware": (("Tablet", 399.0), ("Scanner", 249.0), ("Kassensystem", 1890.0)),
    "services": (("Einrichtung", 850.0), ("Datenmigration", 2400.0)),
    "training": (("Schulung Basis", 390.0), ("Schulung Experte", 790.0)),
    "accessories": (("Headset", 79.0), ("Dockingstation", 189.0), ("Kabelset", 29.0)),
}
ORDER_CHANNELS = {"private": (("web", 0.55), ("store", 0.35), ("phone", 0.10)),
                  "small_business": (("web", 0.35), ("phone", 0.30), ("field_service", 0.25), ("store", 0.10)),
                  "corporate": (("field_service", 0.65), ("phone", 0.20), ("web", 0.15))}
TICKET_TYPES = (("request", 0.50, 10.0, 0.78), ("incident", 0.28, 22.0, 0.52), ("complaint", 0.22, 40.0, 0.35))
OPEN_STAGES = ("qualification", "proposal", "negotiation")
#: how behaviour ties to churn: the hidden discontent z (standard normal) multiplies the churn
#: hazard by exp(churn * z), the ticket rate by exp(tickets * z), the complaint share by
#: exp(complaints * z), and lowers ticket satisfaction (1-5) and survey scores (0-10) by
#: satisfaction * z and survey * z; a late_share of a churned customer's tickets fall in the
#: late_days before the churn; in the last fade_days before a churn a customer keeps only a
#: fade_keep share of their orders; a win-back's first order comes 7 + Exp(win_back_days) days after
#: the churn
#: the discontent also answer campaigns less (response rate times exp(-response * z)) and order less
#: (orders per year times exp(-orders * z)); both mean-corrected, so the totals stay
BEHAVIOUR = {"churn": 1.8, "tickets": 0.8, "complaints": 0.6, "satisfaction": 0.5, "survey": 1.5,
             "response": 0.5, "orders": 0.3,
             "late_share": 0.4, "late_days": 150, "fade_days": 240, "fade_keep": 0.25, "win_back_days": 45.0}
RESPONSE_OPPORTUNITY_SHARE = 0.3  # of the opportunities, the share opened 0-29 days after a campaign response


def draw_days(rng: np.random.Generator, n: int, lo: int = 0, hi: int = DAYS, growth: float = 0.25) -> np.ndarray:
    """Day offsets in [lo, hi) drawn with monthly seasonality and a yearly growth trend."""
    day = np.arange(lo, hi)
    month = ((START + day.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12)
    weight = SEASON[month] * (1 + growth * day / DAYS)
    return rng.choice(day, size=n, p=weight / weight.sum())


def as_dates(offsets: np.ndarray, seconds: np.ndarray | None = None) -> pd.Series:
    values = START.astype("datetime64[s]") + offsets.astype("int64").astype("timedelta64[D]")
    if seconds is not None:
        values = values + seconds.astype("int64").astype("timedelta64[s]")
    return pd.Series(values.astype("datetime64[us]"))


def make_ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def draw_from(rng: np.random.Generator, table: dict | tuple, n: int, share_index: int | None = None) -> np.ndarray:
    names = np.array(list(table))
    shares = np.array([v[share_index] for v in table.values()]) if share_index is not None else None
    return rng.choice(len(names), size=n, p=None if shares is None else shares / shares.sum())


def as_text(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(values.astype(str), dtype="string"))


def any_product(rng: np.random.Generator, cat: np.ndarray, cat_of: np.ndarray) -> np.ndarray:
    """A random product of each row's category (vectorised over rows)."""
    starts = np.searchsorted(cat_of, np.arange(cat_of.max() + 1))
    sizes = np.bincount(cat_of)
    return starts[cat] + (rng.random(len(cat)) * sizes[cat]).astype(int)
