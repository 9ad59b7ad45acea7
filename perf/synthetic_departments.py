"""The departments of every synthetic council, in the order each council gets them (perf/synthetic_writer.py):
the people-services departments (perf/synthetic_people_departments.py) and the place and corporate ones
(perf/synthetic_place_departments.py)."""

from __future__ import annotations

from perf.synthetic_people_departments import (
    ADULT_SOCIAL_CARE_AND_HEALTH,
    CHILDRENS_SERVICES,
    COMMUNITIES_AND_NEIGHBOURHOODS,
    PUBLIC_HEALTH,
)
from perf.synthetic_place_departments import (
    CORPORATE_SERVICES,
    ECONOMY_SKILLS_AND_CULTURE,
    HOUSING_AND_REGENERATION,
    PLACE,
)

DEPARTMENTS: list[dict] = [
    CHILDRENS_SERVICES,
    ADULT_SOCIAL_CARE_AND_HEALTH,
    PLACE,
    CORPORATE_SERVICES,
    PUBLIC_HEALTH,
    COMMUNITIES_AND_NEIGHBOURHOODS,
    HOUSING_AND_REGENERATION,
    ECONOMY_SKILLS_AND_CULTURE,
]
