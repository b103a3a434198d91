"""``python cli.py assess validate | template | score`` (argparse only; imports happen when run)."""
from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    assess = sub.add_parser("assess", help="maturity models: validate, answer-sheet template, score answers")
    inner = assess.add_subparsers(dest="assess_command", metavar="ACTION")
    assess.set_defaults(func=lambda args: (assess.print_help(), 2)[1])

    p = inner.add_parser("validate", help="check a maturity model file; lists every problem")
    p.add_argument("model", help="model YAML file")
    p.set_defaults(func=run_validate)

    p = inner.add_parser("template", help="write the blank answer sheet (CSV or .xlsx) for a model")
    p.add_argument("--model", required=True, help="model YAML file (or a model id under config/models)")
    p.add_argument("--out", required=True, help="ANSWERS.csv or ANSWERS.xlsx")
    p.add_argument("--participants", default="", help="comma-separated names: one row per question and person")
    p.add_argument("--lang", choices=("de", "en"), default="de")
    p.set_defaults(func=run_template)

    p = inner.add_parser("score", help="score a filled-in answer sheet")
    p.add_argument("--model", required=True, help="model YAML file (or a model id under config/models)")
    p.add_argument("--answers", required=True, help="answers CSV or .xlsx: question_id, participant, answer, note")
    p.add_argument("--aggregation", choices=("median", "mean"), default="median",
                   help="how participants' answers become a question rating (default median)")
    p.add_argument("--targets", default="", help="target per domain: strategy=3,sales=4")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("--lang", choices=("de", "en"), default="en")
    p.set_defaults(func=run_score)


def _model(ref: str):
    from pathlib import Path

    from assessment.loader import MODELS_DIR, load_model

    path = Path(ref)
    if not path.exists() and (MODELS_DIR / f"{ref}.yaml").exists():
        path = MODELS_DIR / f"{ref}.yaml"
    return load_model(path)


def parse_targets(text: str) -> dict[str, float]:
    """``strategy=3,sales=4`` -> {"strategy": 3.0, "sales": 4.0}; bad pairs are an InputError."""
    from core.errors import InputError, Problem

    out, problems = {}, []
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = pair.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value.replace(" ", ""))
        except ValueError:
            problems.append(Problem(f"--targets: {pair}", "expected domain=level, e.g. sales=4"))
    if problems:
        raise InputError("--targets is not understood", problems)
    return out


def run_validate(args: argparse.Namespace) -> int:
    model = _model(args.model)
    n = sum(1 for _ in model.questions())
    groups = sum(1 for _ in model.all_groups())
    print(f"valid: {model.id} {model.version} ({len(model.top_groups)} domains, {groups} groups, "
          f"{n} questions, {len(model.levels)} levels)")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from assessment.sheets import write_template

    model = _model(args.model)
    people = [p.strip() for p in args.participants.split(",") if p.strip()]
    out = write_template(model, args.out, people, args.lang)
    print(f"wrote {out} ({sum(1 for _ in model.questions()) * max(1, len(people))} rows)")
    return 0


def run_score(args: argparse.Namespace) -> int:
    import json

    from assessment.scoring import score
    from assessment.sheets import read_answers

    model = _model(args.model)
    answers = read_answers(args.answers, model)
    result = score(model, answers, consensus=args.aggregation, targets=parse_targets(args.targets))
    if args.format == "json":
        print(json.dumps(result.to_dict(args.lang), ensure_ascii=False, indent=2))
    else:
        print(render_table(model, result, args.lang))
    return 0


def render_table(model, result, lang: str = "en") -> str:
    from core.formatting import number

    def fmt(v):
        return number(v, lang, 2)

    lines = [f"{model.name.get(lang)} ({model.id} {model.version})",
             f"maturity index {fmt(result.maturity_index)}   staged level {result.staged_level or '–'}", ""]
    gaps = {g.domain_id: g for g in result.gaps}

    def walk(g, depth):
        name = model.group(g.id).name.get(lang)
        gap = gaps.get(g.id)
        extra = f"  target {fmt(gap.target)} gap {fmt(gap.gap)} priority {fmt(gap.priority)}" if gap else ""
        lines.append(f"{'  ' * depth}{name:<{48 - 2 * depth}} {fmt(g.score):>6}  L{g.level or '-'}  "
                     f"{g.answered} answered, {g.not_applicable} n/a{extra}")
        for c in g.children:
            walk(c, depth + 1)

    for g in result.groups:
        walk(g, 0)
    flagged = [q.id for q in result.questions if q.discuss]
    lines += ["", result.explanation.text(lang)]
    if flagged:
        lines.append(("discuss: " if lang == "en" else "diskutieren: ") + ", ".join(flagged))
    for item in result.roadmap:
        lines.append(f"  [{item.domain_id}] {item.question_id}: {item.text.get(lang)}")
    return "\n".join(lines)
