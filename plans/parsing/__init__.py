"""Reading the figures the source documents print (see plans/parsing/printed.py for the rules every parser
keeps): money, dates, financial years and small things in printed.py, KPI values and targets in values.py.
Every name is imported here, so `from plans.parsing import X` and `parsing.X` work for all of them."""

from plans.parsing.printed import (
    DASHES,
    FOOTNOTE_MARKS,
    FY_RE,
    MONEY_RE,
    MONEY_WORDS,
    MONTHS,
    SCALES,
    Money,
    PrintedDate,
    clean,
    fy_label,
    fy_of,
    fy_start,
    parse_date,
    parse_flag,
    parse_money,
    parse_months,
    parse_src,
)
from plans.parsing.values import (
    QUARTILES,
    RAG_WORDS,
    STATUS_WORDS,
    UNIT_WORDS,
    Status,
    TargetKind,
    TargetSpec,
    Value,
    parse_target,
    parse_value,
)

__all__ = [
    "DASHES", "FOOTNOTE_MARKS", "FY_RE", "MONEY_RE", "MONEY_WORDS", "MONTHS", "QUARTILES", "RAG_WORDS", "SCALES",
    "STATUS_WORDS", "UNIT_WORDS", "Money", "PrintedDate", "Status", "TargetKind", "TargetSpec", "Value", "clean",
    "fy_label", "fy_of", "fy_start", "parse_date", "parse_flag", "parse_money", "parse_months", "parse_src",
    "parse_target", "parse_value",
]
