"""Councils, departments and their service plans, and everything a plan states in words: statements,
divisions, workforce, deliverables (actions), the 2025-29 outcome/objective tree, risks, and the
discrepancies the transcription found in the source documents; who may change them; the data versions.

One module per concern; every name is imported here, so `from plans.models import X` works for all of them
(and the migrations' references, plans.models.ArrayText and plans.models.new_epoch, still resolve).
_document_lines is the one private name here: search/selectors.py reads source documents through its cache."""

from plans.models.access import (
    ClosedPeriod,
    DeliverableUpdate,
    Role,
    user_can_approve,
    user_can_edit,
    user_is_admin,
    user_sees_drafts,
)
from plans.models.contents import Division, Outcome, Statement, StrategicObjective, Workforce
from plans.models.delivery import Deliverable, DeliverableQuerySet, Discrepancy, Risk
from plans.models.organisation import Council, Department, Plan, PlanQuerySet
from plans.models.sourced import (
    ArrayText,
    SearchDocument,
    Sourced,
    _document_lines,
    deliverable_document,
    risk_document,
    search_vector,
    statement_document,
    stored_document,
    text_list,
)
from plans.models.versions import DataVersion, LoadFingerprint, new_epoch

__all__ = [
    "ArrayText",
    "ClosedPeriod",
    "Council",
    "DataVersion",
    "Deliverable",
    "DeliverableQuerySet",
    "DeliverableUpdate",
    "Department",
    "Discrepancy",
    "Division",
    "LoadFingerprint",
    "Outcome",
    "Plan",
    "PlanQuerySet",
    "Risk",
    "Role",
    "SearchDocument",
    "Sourced",
    "Statement",
    "StrategicObjective",
    "Workforce",
    "deliverable_document",
    "new_epoch",
    "risk_document",
    "search_vector",
    "statement_document",
    "stored_document",
    "text_list",
    "user_can_approve",
    "user_can_edit",
    "user_is_admin",
    "user_sees_drafts",
    "_document_lines",
]
