"""The failure table's reasons at size (issue 14.7): building them as keys, reading them in German.

``python benchmarks/reasons_bench.py [--rows 200000] [--repeat 5]`` builds the failure table of an
orders frame with one duplicate order id per two rows and a negative quantity in every third row
(``data.validation.check_rules``: the rule's key per problem frame, the duplicate's first row
joined in vectorised), then times the German reading of it: ``data.reasons.reasons_in`` (per key,
each key's text filled with its rows' values at once) against the English-text matching it
replaced (regular-expression shapes per distinct reason, from ``git show e237d94^:data/reasons.py``),
interleaved (``benchmarks.timing``). Prints a markdown table; both readings must agree.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _old_reasons():
    """The regex-shape module as it was before the keys (None outside a git checkout)."""
    try:
        source = subprocess.run(["git", "show", "e237d94^:data/reasons.py"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("old_reasons")
    exec(compile(source, "old_reasons.py", "exec"), module.__dict__)  # noqa: S102 (our own history)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import numpy as np
    import pandas as pd

    from benchmarks.timing import interleaved
    from core.i18n import t
    from data.reasons import reasons_in
    from data.schema import load_schema
    from data.validation import check_rules

    t("import.title")  # the translation table is read once per process, not per import
    n = args.rows
    frame = pd.DataFrame({"order_id": pd.array([f"A{i // 2}" for i in range(n)], dtype="string"),
                          "quantity": np.where(np.arange(n) % 3 == 0, -1.0, 1.0), "revenue": np.ones(n)},
                         index=pd.RangeIndex(2, n + 2))
    orders = load_schema()["orders"]
    start = time.perf_counter()
    table = check_rules(orders, frame, "orders.csv")
    build = time.perf_counter() - start
    competitors = {"keys (reasons_in)": lambda: reasons_in(table, "de")}
    old = _old_reasons()
    if old is not None:
        competitors["English text + regex shapes"] = lambda: old.reasons_in(table["reason"], "de")
        agree = (reasons_in(table, "de").to_numpy() == old.reasons_in(table["reason"], "de").to_numpy()).all()
    timings = interleaved(competitors, args.repeat)
    print(f"\n{len(table)} problems of {n} rows, {table['reason'].nunique()} distinct reasons; "
          f"check_rules (keys written) {build:.2f} s" + ("" if old is None else f"; readings agree: {agree}"))
    print("\n| German reading | median |\n| --- | ---: |")
    for name, timing in timings.items():
        print(f"| {name} | {timing.median:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
