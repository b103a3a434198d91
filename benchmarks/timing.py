"""Timing: competitors run interleaved (A B C A B C ...) after a warm-up; medians per competitor.

Interleaving spreads the noise of a shared machine over every competitor alike, so the ratios
of one run are meaningful even when the absolute seconds are not.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def interleaved(competitors: Mapping[str, Callable[[], object]], repeat: int, warmup: int | None = None,
                log: Callable[[str], None] = print) -> dict[str, Timing]:
    """Median seconds per competitor over ``repeat`` interleaved rounds after ``warmup`` rounds
    (default one; none for a single-run smoke test)."""
    warmup = (1 if repeat > 1 else 0) if warmup is None else warmup
    out = {name: Timing(name) for name in competitors}
    for round_ in range(warmup + repeat):
        for name, fn in competitors.items():
            start = time.perf_counter()
            fn()
            took = time.perf_counter() - start
            if round_ >= warmup:
                out[name].seconds.append(took)
    log("  " + ", ".join(f"{n} {t.median * 1000:.1f} ms" for n, t in out.items()))
    return out
