"""``python cli.py scorecard --data PATH --scorecard ID --period 2024-Q1 [--format json|table]``
(argparse only; imports happen when the command runs)."""
from __future__ import annotations

from cli.session import find_client, operator


def add_parser(sub) -> None:
    p = sub.add_parser("scorecard", help="evaluate a balanced scorecard for one period on a dataset")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="dataset: manifest .yaml or folder of exports")
    src.add_argument("--client", help="client name or short name: its current dataset, manual values and "
                                      "latest assessment round from the database (the card the pages show)")
    p.add_argument("--scorecard", default="crm_default",
                   help="scorecard id under config/scorecards, or a YAML file (default crm_default)")
    p.add_argument("--period", required=True, help="period of the scorecard's granularity: 2024-Q1, 2024-03, 2024")
    p.add_argument("--manual", default="",
                   help="CSV of hand-entered values: kpi,period,value (e.g. training hours); with --data")
    p.add_argument("--maturity-index", type=float, default=None,
                   help="CRM maturity index of the latest assessment (1-5), shown as the KPI maturity_index; "
                        "with --data")
    p.add_argument("--history", type=int, default=12, help="periods of history per KPI (default 12)")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("--lang", choices=("de", "en"), default="en")
    p.set_defaults(func=run_scorecard)


def read_manual(path: str):
    """A small CSV of manual values (kpi, period, value; ``,`` or ``;``, decimal point or comma)."""
    import pandas as pd

    from core.errors import InputError

    try:
        frame = pd.read_csv(path, sep=None, engine="python", dtype="string")
    except (OSError, ValueError) as exc:
        raise InputError(f"--manual {path}: cannot read it ({exc})", hint="a CSV with columns kpi, period, value")
    missing = {"kpi", "period", "value"} - set(frame.columns)
    if missing:
        raise InputError(f"--manual {path}: missing column(s) {sorted(missing)}", hint="columns kpi, period, value")
    values = pd.to_numeric(frame["value"].str.replace(",", ".", regex=False), errors="coerce")
    return frame.assign(value=values.astype("float64"))


def run_scorecard(args) -> int:
    import json

    if args.client:
        return _client_scorecard(args)
    from cli.files import read_valid
    from core.query import Period
    from kpis.catalogue import known_kpis
    from kpis.engine import compute
    from scorecards.evaluation import evaluate
    from scorecards.loader import find_scorecard

    catalogue = known_kpis()
    card = find_scorecard(args.scorecard, known_kpis=catalogue)
    Period.parse(args.period)  # a clear InputError before the data is read
    dataset = read_valid(args.data)
    if dataset is None:
        return 2
    external = {"data_completeness": dataset.quality.get("data_completeness")}
    if args.maturity_index is not None:
        external["maturity_index"] = args.maturity_index
    actuals = compute(dataset.frames, list(card.engine_kpi_ids), period=card.granularity, external=external)
    manual = read_manual(args.manual) if args.manual else None
    result = evaluate(card, actuals, args.period, manual=manual, history_periods=max(args.history, 1))
    _require_data_for(actuals, args.period, args.data)  # after evaluate: it names a wrong granularity first
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_table(result, _units(card), _names(card), args.lang))
    return 0


def _client_scorecard(args) -> int:
    """``--client``: ``usecases.scorecard.view_scorecard``, the pipeline of the scorecard page."""
    import json

    from core.errors import InputError, Problem
    from usecases.scorecard import view_scorecard

    for flag, given in (("--manual", args.manual), ("--maturity-index", args.maturity_index is not None)):
        if given:
            raise InputError(f"{flag} goes with --data, not with --client", [Problem(flag, "given with --client")],
                             hint="with --client the manual values and the maturity index come from the database")
    session = operator()
    session = session.with_client(client := find_client(session, args.client))
    view = view_scorecard(session, args.period, args.scorecard)
    if view.result is None:
        raise InputError(f"{client.name} has no dataset yet", hint="python cli.py import --client NAME --data PATH")
    if args.format == "json":
        print(json.dumps(view.result.to_dict(), ensure_ascii=False, indent=2))
    else:
        units = {k: label.unit for k, label in view.labels.items()}
        names = {k: label.name for k, label in view.labels.items()}
        print(render_table(view.result, units, names, args.lang))
    return 0


def _units(card) -> dict[str, str]:
    from kpis.catalogue import load_catalogue

    units = {k.id: k.unit.value for k in load_catalogue()}
    units.update({m.id: m.unit for m in card.manual_kpis})
    return units


def _names(card) -> dict[str, object]:
    from kpis.catalogue import load_catalogue

    names = {k.id: k.name for k in load_catalogue()}
    names.update({m.id: m.name for m in card.manual_kpis})
    names.update({k.kpi: k.name for k in card.kpis if k.name is not None})
    return names


def render_table(result, units: dict[str, str], names: dict[str, object], lang: str = "en") -> str:
    """The evaluation as plain text: perspectives, their objectives and KPIs, formatted for ``lang``."""
    from core.formatting import by_unit, percent
    from core.i18n import t

    def status(s) -> str:
        return t(f"scorecard.status.{s.value}", lang)

    def trend(k) -> str:
        word = t(f"scorecard.trend.{k.trend.movement.value}", lang)
        if k.trend.verdict.value in ("better", "worse"):
            word += f" ({t(f'scorecard.verdict.{k.trend.verdict.value}', lang)})"
        return word

    def name(k) -> str:
        text = k.name or names.get(k.kpi)
        return text.get(lang) if text is not None else k.kpi

    header = [t("scorecard.kpi", lang), t("scorecard.actual", lang), t("scorecard.target", lang),
              t("scorecard.achievement", lang), t("scorecard.status", lang), t("scorecard.trend", lang)]
    rows: list[list[str] | str] = [
        f"{result.name.get(lang)} - {result.period}: {t('scorecard.overall', lang)} "
        f"{percent(result.score, lang, 0)} {status(result.status)}", ""]
    for p in result.perspectives:
        rows.append(f"{t('scorecard.perspective', lang)} {p.name.get(lang)}: {percent(p.score, lang, 0)} "
                    f"{status(p.status)}")
        for o in (o for o in result.objectives if o.perspective == p.id):
            rows.append(f"  {t('scorecard.objective', lang)} {o.name.get(lang)}: {percent(o.score, lang, 0)} "
                        f"{status(o.status)} ({o.kpis_with_data}/{o.kpis_total})")
            rows.append(["    " + header[0], *header[1:]])
            for k in (k for k in result.kpis if k.objective == o.id):
                unit = k.unit or units.get(k.kpi, "score")
                actual = "–" if k.actual is None else by_unit(k.actual, unit, lang)
                rows.append(["    " + name(k), actual, by_unit(k.target, unit, lang),
                             percent(k.achievement, lang, 0), status(k.status), trend(k)])
        rows.append("")
    cells = [r for r in rows if isinstance(r, list)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join(r if isinstance(r, str) else "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                     for r in rows).rstrip()


def _require_data_for(actuals, period: str, source: str) -> None:
    """A period the data does not cover is a mistake, not an all-grey scorecard (the period-less
    external values, e.g. data completeness, would otherwise roll up to a misleading overall)."""
    from core.errors import InputError, Problem

    dated = actuals.dropna(subset=["period", "value"])
    if (dated["period"].astype(str) == period).any():
        return
    labels = sorted(dated["period"].astype(str).unique())
    covered = f"{labels[0]} .. {labels[-1]}" if labels else "no period at all"
    raise InputError(f"{source}: no KPI of the scorecard has data for {period}",
                     [Problem("--period", f"{period!r} is outside the data ({covered})")],
                     hint="choose a period the data covers")
