"""The kinds of target a KPI value can hold. Their own module because both the model (KpiValue.target_kind)
and the assessment rules (kpis/assessment.py, which kpis/models.py imports) name them."""

from __future__ import annotations

from django.db import models


class TargetKind(models.TextChoices):
    NUMBER = "number", "Number"
    COMPARATOR = "comparator", "Comparator"
    RANGE = "range", "Range"
    TREND = "trend", "Trend"
    BENCHMARK = "benchmark", "Benchmark"
    RAG = "rag", "RAG rating"
    NONE = "none", "No target"
