"""Figures as printed in the synthetic plans (perf/synthetic.py): a measure's actuals, part-year latests and
targets year by year, printed the way the real plans print them, with targets set so that each year's outcome
follows OUTCOMES."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from math import floor, log10

from perf.synthetic_measures import NUMERIC_ONLY, OUTCOMES, M


def _significant(value: float, digits: int = 3) -> float:
    """Rounded to `digits` significant figures, as plans print large figures (and so that the distinct printed
    texts, each parsed once, stay few)."""
    if value == 0:
        return 0.0
    return round(value, digits - 1 - int(floor(log10(abs(value)))))


def _money_m(value: float) -> str:
    millions = value / 1e6
    places = 0 if millions >= 100 else 1 if millions >= 10 else 2
    return f"£{millions:,.{places}f}m"


def _printed(unit: str, value: float) -> str:
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "money":
        return _money_m(value)
    if unit == "count":
        return f"{int(round(value)):,}"
    return f"{value:g}" if value >= 100 else f"{value:.1f}"


def _rounded(unit: str, value: float) -> float:
    if unit == "percent":
        return round(value, 1)
    if unit == "count":
        return float(int(round(_significant(value))))
    if unit == "money":
        return _significant(value)
    return round(_significant(value), 1)


def _target_number(unit: str, value: float) -> str:
    if unit == "percent":
        return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"
    return _printed(unit, value)


def _tolerance(unit: str, target: float) -> float:
    return 2.0 if unit in {"percent", "pp"} else abs(target) * 0.05


@dataclass
class _Measure:
    key: str
    description: str
    unit: str
    hib: bool | None
    unit_note: str
    style: str
    group: str
    section: str
    # Per financial year: the figure, the printed latest (part-year) and the printed target.
    actual: dict[int, str]
    latest: dict[int, str]
    target: dict[int, str]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for name, weight in weighted:
        total += weight
        if roll < total:
            return name
    return weighted[-1][0]


def _series(rng: random.Random, spec: M, style: str, years: range) -> tuple[dict, dict, dict]:
    """A measure's printed actuals, latests and targets, year by year, with targets set so that the outcome of
    each year (on track / near / off track) follows OUTCOMES."""
    description, unit, hib, low, high, _ = spec
    actual: dict[int, str] = {}
    latest: dict[int, str] = {}
    target: dict[int, str] = {}
    if unit == "rag":
        for year in years:
            outcome = _pick(rng, OUTCOMES)
            rating = {"on": "Green", "near": "Amber", "off": "Red"}[outcome]
            actual[year] = latest[year] = rating
            target[year] = "Green" if style == "rag" else _no_target(style)
        return actual, latest, target
    span = high - low
    value = low + span * rng.uniform(0.2, 0.8)
    previous = None
    rng.choice(["national", "regional"])  # an unused draw, kept so the generated councils stay the same
    for year in years:
        outcome = _pick(rng, OUTCOMES)
        if style in {"trend", "trend_maintain"} and previous is not None:
            step = span * rng.uniform(0.03, 0.08)
            good = 1 if hib is not False else -1
            if style == "trend_maintain":
                delta = {
                    "on": good * step * 0.5,
                    "near": -good * _tolerance(unit, previous) * 0.5,
                    "off": -good * max(step, _tolerance(unit, previous) * 2.5),
                }[outcome]
            else:
                delta = {"on": good * step, "near": 0.0, "off": -good * step}[outcome]
            value = previous + delta
        else:
            value += span * rng.uniform(-0.06, 0.06)
        value = min(max(value, low - span * 0.1), high + span * 0.1)
        if unit == "percent":
            value = min(max(value, 0.3), 100.0)
        value = max(_rounded(unit, value), 0.0 if unit != "percent" else 0.3)
        previous = value
        actual[year] = _printed(unit, value)
        # The part-year figure printed as "latest": as at a month of the year, sometimes provisional, now and
        # then awaiting data.
        roll = rng.random()
        if roll < 0.04:
            latest[year] = "AD"
        elif roll < 0.05:
            latest[year] = "N/Av"
        else:
            # Plans are approved in the new year, so their part-year figures are as at December.
            latest[year] = f"{_printed(unit, value)} (Dec {str(year)[-2:]})" + (" (P)" if rng.random() < 0.15 else "")
        target[year] = _target(rng, style, unit, hib, value, outcome, year)
    return actual, latest, target


def _no_target(style: str) -> str:
    return {"monitor": "Monitor", "tbc": "TBC", "blank": "", "baseline": "Baseline year", "not_applicable": "N/A"}.get(
        style, "Monitor"
    )


def _target(rng: random.Random, style: str, unit: str, hib: bool | None, value: float, outcome: str, year: int) -> str:
    """The printed target for a year whose figure is `value`, such that the figure is on track, near or off."""
    if style not in NUMERIC_ONLY:
        return _no_target(style)
    up = hib is not False
    tol = _tolerance(unit, value)
    gap = {"on": -rng.uniform(0.5, 2.0) * tol, "near": 0.5 * tol, "off": rng.uniform(2.5, 4.0) * tol}[outcome]
    # The figure aimed at: above the value when higher is better and the outcome is near or off track.
    goal = value + gap if up else value - gap
    goal = max(goal, 0.0)
    if unit == "percent":
        goal = min(goal, 100.0)
    if style == "number":
        return _target_number(unit, _rounded(unit, goal))
    if style in {"comparator", "maintain_comparator"}:
        figure = _target_number(unit, _rounded(unit, goal))
        if style == "maintain_comparator":
            return f"Maintain {'>' if up else '<'}{figure}"
        form = rng.choice(["symbol", "words", "or"])
        if form == "symbol":
            return f"{'>' if up else '<'}{figure}"
        if form == "words":
            return f"{'At least' if up else 'Less than'} {figure}"
        return f"{figure} or {'more' if up else 'less'}"
    if style == "range":
        # Inside the range when on track; outside it by half the tolerance (near) or by three times (off).
        width = max(2 * tol, 1.0 if unit in {"percent", "count"} else 0.2)
        if outcome == "on":
            lo = value - width * rng.uniform(0.3, 0.7)
        else:
            distance = 0.5 * tol if outcome == "near" else 3 * tol
            below = value - distance - width
            lo = below if below > 0 and rng.random() < 0.5 else value + distance
        lo, hi = max(lo, 0.0), max(lo, 0.0) + width
        if unit == "percent":
            return f"{lo:.0f} - {min(hi, 100):.0f}%"
        if unit == "money":
            return f"£{lo / 1e6:.2f}m-£{hi / 1e6:.2f}m"
        if unit == "count":
            return f"{int(round(lo)):,}-{int(round(hi)):,}"
        return f"{lo:.1f}-{hi:.1f}"
    if style == "trend":
        return (
            rng.choice(["Increasing trend", "Increase on the previous year"])
            if up
            else rng.choice(["Reduction from the previous year", "Reducing trend"])
        )
    if style == "trend_maintain":
        return rng.choice(["Maintain performance", "Maintain current levels"])
    if style == "benchmark_value":
        # The national figure is printed in the target, so the assessment can use it: it sits where a target would.
        bench = _rounded(unit, goal)
        figure = _target_number(unit, bench).replace("£", "").replace("m", "") if unit != "money" else f"{bench:.0f}"
        return f"{'Above' if up else 'Below'} national average ({figure} {year - 1})"
    if style == "benchmark_quartile":
        return rng.choice(["Maintain top quartile performance", "Top quartile", "Upper-middle quartile"])
    if style == "benchmark_neighbours":
        return "In line with statistical neighbours"
    if style == "benchmark_gap":
        return "Narrow the gap to national average"
    return f"{'Above' if up else 'Below'} national average"
