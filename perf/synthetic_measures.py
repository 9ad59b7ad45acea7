"""What synthetic plans measure (perf/synthetic_writer.py, perf/synthetic_figures.py): the type of one
measure (M), the measures every department reports, the target styles and the outcomes figures are drawn
towards. The measures only one department reports sit with it (perf/synthetic_departments.py). Plain data."""

from __future__ import annotations

# (description, unit, higher_is_better, low, high, unit_note)
M = tuple[str, str, bool | None, float, float, str]

CORPORATE_MEASURES: list[M] = [
    ("Sickness as a percentage of available working hours", "percent", False, 3.0, 6.5, ""),
    ("Achievement of annual budget savings (%)", "percent", True, 60, 100, ""),
    ("Voluntary staff turnover (rolling 12 months)", "percent", False, 7, 15, ""),
    ("Freedom of Information requests answered within 20 working days", "percent", True, 70, 98, ""),
    ("Stage 1 complaints responded to within 10 working days", "percent", True, 60, 95, ""),
    ("Spend on agency staff", "money", False, 0.4e6, 6e6, ""),
    ("Number of apprentices employed by the department", "count", True, 10, 120, ""),
    ("Carbon emissions from officers using their own vehicles (grey fleet)", "count", False, 150, 1200, "tonnes CO2e"),
    ("Staff completing mandatory data protection training", "percent", True, 75, 99, ""),
    ("Employee engagement index", "score", True, 5.5, 8.0, "score out of 10"),
    ("Invoices paid within 30 days of receipt", "percent", True, 80, 99, ""),
    ("Delivery of the departmental transformation programme", "rag", None, 0, 0, ""),
    ("Forecast outturn variance against the controllable budget", "money", False, 0.1e6, 4e6, ""),
    ("Stage 2 complaints upheld by the Ombudsman", "count", False, 2, 30, ""),
]


# Target styles, in an order that puts every kind the assessment handles into the first 16 KPIs of a plan.
STYLES = [
    "number",
    "comparator",
    "range",
    "trend",
    "benchmark_value",
    "maintain_comparator",
    "rag",
    "monitor",
    "benchmark_quartile",
    "tbc",
    "trend_maintain",
    "benchmark_plain",
    "blank",
    "number",
    "benchmark_gap",
    "baseline",
    "comparator",
    "number",
    "trend",
    "range",
    "not_applicable",
    "benchmark_neighbours",
]
NUMERIC_ONLY = {
    "number",
    "comparator",
    "range",
    "trend",
    "benchmark_value",
    "maintain_comparator",
    "trend_maintain",
    "benchmark_quartile",
    "benchmark_plain",
    "benchmark_gap",
    "benchmark_neighbours",
}
OUTCOMES = (("on", 0.55), ("near", 0.2), ("off", 0.25))
