"""A synthetic installation for the scale benchmark (issue 9): councils "Synthetic County Council 001".. with
departments, ten years of plans each, and in every plan KPIs (continuing across years as measures), deliverables,
risks, a budget table, savings, pressures and a procurement pipeline, all invented but shaped like the real plans.

`synthetic_generate(...)` writes everything in one transaction (all or nothing) with PostgreSQL COPY, so the full
100-council installation takes minutes. It is reproducible: every council and department draws from its own
`random.Random` seeded from `seed`, never from the global random state, so the same seed gives identical rows (ids
aside). Derived columns follow the real loader's rules (loader/services.py) by calling its own code: each KPI value
goes through `PlanLoader.kpi_value` (parse_value / parse_target and the loader's rules for targets), money through
`parse_money`, dates through `parse_date`, contract lengths and flags through `parse_months` / `parse_flag`.

Synthetic records are marked three ways: the council's `is_synthetic`, the plan's `document` (SYNTHETIC_DOCUMENT,
never a file in fixtures/sources, so /sources/<document>/ answers 404) and source lines 0-0 on every record (real
lines start at 1, and a record without a line shows no provenance disclosure, so no page tries to read a source file).
The management command refuses to write into a database holding real councils; the loader refuses the reverse.
"""

from __future__ import annotations

import datetime as dt
import queue
import random
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from django.db import DatabaseError, connection, models, transaction
from django.utils.text import slugify

from budgets.models import BudgetCell, BudgetColumn, BudgetHeadline, BudgetRow, BudgetTable, Saving, ServicePressure
from kpis.assessment import assess
from kpis.models import Benchmark, Kpi, KpiValue, Measure
from plans import parsing
from plans.models import (
    ClosedPeriod,
    Council,
    Deliverable,
    DeliverableUpdate,
    Department,
    Discrepancy,
    Division,
    Outcome,
    Plan,
    Risk,
    Role,
    Statement,
    StrategicObjective,
    Workforce,
)
from procurement.models import ProcurementEntry, ProcurementTable

SYNTHETIC_DOCUMENT = "Synthetic benchmark data"
SYNTHETIC_SRC = 0  # a line number no real document has (real lines start at 1)
LAST_YEAR = 2025  # the newest plan is for 2025-26, whatever today's date (reproducible)
PLAN_CONTENT = [  # every table whose rows belong to a plan; emptied wholesale by --replace (all plans synthetic)
    KpiValue, Benchmark, Kpi, Measure, DeliverableUpdate, Deliverable, StrategicObjective, Outcome, Statement,
    Division, Workforce, Risk, Discrepancy, BudgetCell, BudgetRow, BudgetColumn, BudgetTable, BudgetHeadline,
    ServicePressure, Saving, ProcurementEntry, ProcurementTable, Plan,
]
WRITTEN = [Council, Department] + PLAN_CONTENT


class SyntheticRefused(Exception):
    """Synthetic data would be mixed with real councils' data (or written twice)."""


# -- What the plans say, in words ----------------------------------------------------------------------------

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

DEPARTMENTS: list[dict] = [
    {
        "slug": "childrens-services", "name": "Children's Services", "short": "CS",
        "divisions": ["Early Help and Safeguarding", "Schools and Learning", "Commissioning and Transformation",
                      "Performance, Quality and Partnership"],
        "measures": [
            ("Number of children living with council foster carers", "count", True, 250, 450, ""),
            ("Social work assessments completed within 45 days", "percent", True, 70, 95, ""),
            ("Children in need per 10,000 children aged under 18", "rate", False, 250, 400, "per 10,000 children"),
            ("Re-referrals to children's social care within 12 months", "percent", False, 15, 28, ""),
            ("Children subject to a second or subsequent child protection plan", "percent", False, 14, 26, ""),
            ("Care leavers aged 19-21 in education, employment or training", "percent", True, 45, 70, ""),
            ("Primary pupils attending good or outstanding schools", "percent", True, 78, 92, ""),
            ("Secondary pupils attending good or outstanding schools", "percent", True, 55, 85, ""),
            ("Education, health and care plans issued within 20 weeks", "percent", True, 35, 95, ""),
            ("Permanent exclusions per 10,000 pupils", "rate", False, 4, 15, "per 10,000 pupils"),
            ("Average days between a child entering care and moving in with an adoptive family", "days", False,
             300, 550, ""),
            ("Children looked after per 10,000 children", "rate", False, 50, 80, "per 10,000 children"),
            ("Young people not in education, employment or training (16-17 year olds)", "percent", False, 2, 7, ""),
            ("Families supported by the early help offer", "count", True, 1500, 5000, ""),
            ("Take-up of funded early education by eligible two-year-olds", "percent", True, 65, 92, ""),
            ("Quality of social work practice in case audits", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the children in care sufficiency strategy", "family hubs across the county",
                     "the SEND transformation programme", "placements for children with complex needs",
                     "the fostering recruitment campaign", "support for care leavers", "school place planning",
                     "the early help offer", "the youth service", "home to school transport for pupils with SEND",
                     "the Virtual School", "the social work academy"],
        "contracts": ["Independent Fostering Agency placements", "Residential children's homes",
                      "Supported accommodation for 16-17 year olds", "Short breaks for disabled children",
                      "Special educational needs transport", "Independent advocacy for children in care",
                      "Children's case management system", "Family group conferencing",
                      "Speech and language therapy", "Young carers support service", "School meals",
                      "Outdoor education centres maintenance"],
        "pressures": ["Children in Care Placements", "Special Needs Home to School Transport", "Leaving Care Services",
                      "Legal Costs", "Social Worker Recruitment and Retention", "Education Psychology Demand"],
    },
    {
        "slug": "adult-social-care-health", "name": "Adult Social Care and Health", "short": "ASCH",
        "divisions": ["Prevention and Personalisation", "Direct Care", "Commissioning and Partnerships",
                      "Public Health", "Quality and Compliance"],
        "measures": [
            ("Older people still at home 91 days after discharge into reablement", "percent", True, 75, 92, ""),
            ("Permanent admissions to residential care (aged 65+) per 100,000 population", "rate", False,
             450, 750, "per 100,000 population"),
            ("People receiving self-directed support", "percent", True, 85, 100, ""),
            ("People receiving direct payments", "percent", True, 18, 35, ""),
            ("Adults with learning disabilities in paid employment", "percent", True, 3, 9, ""),
            ("Adults with learning disabilities living in their own home or with family", "percent", True, 70, 90, ""),
            ("Safeguarding enquiries where the person's desired outcomes were met", "percent", True, 80, 98, ""),
            ("Delayed transfers of care attributable to social care (daily average)", "count", False, 5, 60, ""),
            ("Care homes rated good or outstanding by the CQC", "percent", True, 65, 90, ""),
            ("Carers assessments completed", "count", True, 1500, 4500, ""),
            ("Average days waiting for a care needs assessment", "days", False, 14, 60, ""),
            ("Smoking prevalence in adults", "percent", False, 10, 18, ""),
            ("Health checks taken up by eligible people aged 40-74", "percent", True, 30, 60, ""),
            ("Successful completions of drug treatment (opiate users)", "percent", True, 4, 9, ""),
            ("Hours of home care delivered each week", "count", True, 30000, 60000, "hours a week"),
            ("Overall satisfaction of people who use services", "score", True, 60, 70, "percentage score, survey"),
        ],
        "subjects": ["the Better Lives programme", "reablement capacity", "extra care housing",
                     "the market position statement for home care", "carers support", "the day opportunities review",
                     "community equipment services", "the falls prevention pathway", "the public health outcomes plan",
                     "the learning disability employment strategy", "digital care records",
                     "the hospital discharge model"],
        "contracts": ["Home care framework", "Residential and nursing care framework",
                      "Integrated community equipment service",
                      "Advocacy services", "Carers support service", "Drug and alcohol treatment services",
                      "Sexual health services", "Stop smoking service", "Assistive technology and telecare",
                      "Supported living framework", "Healthy weight services", "Care home quality monitoring system"],
        "pressures": ["Demographic Growth in Older People's Services", "National Living Wage Uplift for Providers",
                      "Learning Disability Transitions", "Home Care Capacity", "Deprivation of Liberty Safeguards"],
    },
    {
        "slug": "place", "name": "Place", "short": "PL",
        "divisions": ["Highways and Transport", "Planning and Development", "Environment and Waste",
                      "Economic Growth and Regeneration"],
        "measures": [
            ("Principal roads where maintenance should be considered", "percent", False, 2, 8, ""),
            ("Non-principal classified roads where maintenance should be considered", "percent", False, 4, 12, ""),
            ("Potholes repaired within the target time", "percent", True, 70, 97, ""),
            ("Household waste sent for reuse, recycling or composting", "percent", True, 40, 60, ""),
            ("Municipal waste sent to landfill", "percent", False, 2, 20, ""),
            ("Major planning applications decided within 13 weeks", "percent", True, 70, 98, ""),
            ("Bus passenger journeys", "count", True, 15000000, 30000000, "journeys a year"),
            ("People killed or seriously injured in road traffic collisions", "count", False, 250, 450, ""),
            ("Streetlights converted to LED", "percent", True, 40, 100, ""),
            ("Gigabit-capable broadband coverage", "percent", True, 20, 90, ""),
            ("Businesses supported by the growth hub", "count", True, 300, 1200, ""),
            ("Council greenhouse gas emissions", "count", False, 15000, 30000, "tonnes CO2e"),
            ("Fly-tipping incidents recorded", "count", False, 4000, 9000, ""),
            ("Average days to repair a streetlight fault", "days", False, 3, 15, ""),
            ("Trees planted on council land", "count", True, 5000, 60000, ""),
            ("Delivery of the local transport plan capital programme", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the highways asset management plan", "the local cycling and walking infrastructure plan",
                     "the bus service improvement plan", "the climate change strategy", "the waste treatment facility",
                     "town centre regeneration", "the local plan evidence base", "flood risk management works",
                     "electric vehicle charging points", "the minerals and waste local plan",
                     "the tree planting programme",
                     "business support for rural enterprises"],
        "contracts": ["Highways maintenance term contract", "Street lighting maintenance",
                      "Winter gritting salt supply",
                      "Household waste recycling centres operation", "Residual waste treatment",
                      "Supported local bus services", "Home to school transport (mainstream)",
                      "Traffic signal maintenance", "Flood alleviation works",
                      "Electric vehicle charge point concession",
                      "Bridge inspections and assessments", "Road safety camera maintenance"],
        "pressures": ["Waste Disposal Contract Inflation", "Highways Maintenance", "Concessionary Fares",
                      "Winter Maintenance", "Flood Response"],
    },
    {
        "slug": "corporate-services", "name": "Corporate Services", "short": "CORP",
        "divisions": ["Finance and ICT", "Legal and Democratic Services", "Human Resources", "Property",
                      "Customer Services"],
        "measures": [
            ("Council tax collected in year", "percent", True, 96, 99.5, ""),
            ("Business rates collected in year", "percent", True, 95, 99.5, ""),
            ("Calls to the contact centre answered", "percent", True, 75, 95, ""),
            ("Average minutes to answer a call to the contact centre", "rate", False, 1, 8, "minutes"),
            ("ICT service desk incidents resolved at first contact", "percent", True, 55, 85, ""),
            ("Availability of core ICT systems", "percent", True, 98, 99.9, ""),
            ("Property maintenance backlog", "money", False, 20e6, 60e6, ""),
            ("Energy use in council buildings", "count", False, 30000, 60000, "MWh"),
            ("Capital receipts from surplus property", "money", True, 2e6, 15e6, ""),
            ("Transactions completed online", "percent", True, 40, 85, ""),
            ("Subject access requests answered within one month", "percent", True, 60, 95, ""),
            ("Women in the top 5% of earners", "percent", True, 40, 55, ""),
            ("Gender pay gap (median)", "percent", False, 2, 12, ""),
            ("Audit recommendations implemented on time", "percent", True, 60, 95, ""),
            ("Cyber security incidents reported", "count", False, 5, 60, ""),
            ("Accounts closedown and audit opinion", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the medium term financial plan", "the digital strategy", "the corporate property rationalisation",
                     "the customer experience strategy", "the people strategy", "the move to cloud hosting",
                     "the enterprise resource planning system", "the agile working programme",
                     "the procurement and contract management review", "the cyber security action plan",
                     "the electoral registration canvass", "the equality, diversity and inclusion strategy"],
        "contracts": ["Banking services", "Insurance services", "Microsoft licensing", "Network and telephony",
                      "Facilities management", "Cleaning of corporate buildings", "External legal counsel framework",
                      "Occupational health service", "Payroll system", "Multi-function printing devices",
                      "Energy supply (electricity and gas)", "Recruitment advertising"],
        "pressures": ["Pay Award", "ICT Licence Inflation", "Energy Costs", "Insurance Premiums", "Cyber Security"],
    },
    {
        "slug": "public-health", "name": "Public Health", "short": "PH",
        "divisions": ["Health Improvement", "Health Protection", "Public Health Intelligence", "Healthy Communities"],
        "measures": [
            ("Adults classified as overweight or obese", "percent", False, 58, 70, ""),
            ("Physically active adults", "percent", True, 60, 72, ""),
            ("Children in reception year who are a healthy weight", "percent", True, 73, 80, ""),
            ("Breastfeeding prevalence at 6-8 weeks", "percent", True, 35, 55, ""),
            ("Under-18 conceptions per 1,000 females aged 15-17", "rate", False,
             10, 25, "per 1,000 females aged 15-17"),
            ("Smoking status at time of delivery", "percent", False, 8, 16, ""),
            ("Chlamydia detection rate per 100,000 aged 15-24", "rate", True, 1200, 2300, "per 100,000 aged 15-24"),
            ("Successful completions of alcohol treatment", "percent", True, 30, 45, ""),
            ("Flu vaccination uptake (aged 65+)", "percent", True, 70, 85, ""),
            ("NHS health checks offered to eligible people", "percent", True, 10, 20, ""),
            ("Suicide rate per 100,000 population", "rate", False, 8, 14, "per 100,000 population"),
            ("Households supported by the warm homes scheme", "count", True, 150, 900, ""),
            ("Health visitor new birth visits within 14 days", "percent", True, 80, 97, ""),
            ("Adults in contact with secondary mental health services in employment", "percent", True, 5, 12, ""),
            ("Food outlets with a hygiene rating of 4 or 5", "percent", True, 85, 97, ""),
            ("Outbreak management plan readiness", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the healthy weight pathway", "the tobacco control plan", "the suicide prevention strategy",
                     "the drug and alcohol partnership plan", "the health inequalities programme",
                     "the 0-19 healthy child programme", "the social prescribing service", "community health champions",
                     "the winter warmth scheme", "the sexual health needs assessment",
                     "the joint strategic needs assessment",
                     "the physical activity strategy"],
        "contracts": ["Integrated sexual health service", "0-19 public health nursing", "Weight management service",
                      "Community drug and alcohol service", "Stop smoking service", "Oral health promotion",
                      "Social prescribing", "Suicide bereavement support", "Health trainers",
                      "Warm homes advice line", "NHS health check software", "Infection prevention and control advice"],
        "pressures": ["Public Health Grant Shortfall", "Drug Treatment Demand", "Sexual Health Activity Growth",
                      "Outbreak Response"],
    },
    {
        "slug": "communities-and-neighbourhoods", "name": "Communities and Neighbourhoods", "short": "CN",
        "divisions": ["Libraries and Heritage", "Community Safety", "Trading Standards", "Registration and Coroners"],
        "measures": [
            ("Visits to libraries (physical and online)", "count", True, 1500000, 3500000, ""),
            ("Library items issued", "count", True, 1500000, 3000000, ""),
            ("Active library users", "count", True, 60000, 140000, ""),
            ("Births registered within 42 days", "percent", True, 90, 99, ""),
            ("Deaths registered within 5 days", "percent", True, 60, 90, ""),
            ("Victims of scams supported by trading standards", "count", True, 200, 900, ""),
            ("Money saved for victims of scams", "money", True, 0.2e6, 1.5e6, ""),
            ("Anti-social behaviour incidents reported", "count", False, 9000, 20000, ""),
            ("Domestic abuse referrals to the independent advisor service", "count", None, 1500, 4000, ""),
            ("Volunteers supporting council services", "count", True, 800, 2500, ""),
            ("Community grants awarded", "money", True, 0.3e6, 1.5e6, ""),
            ("Residents satisfied with their local area", "percent", True, 70, 85, ""),
            ("Coroner inquests concluded within 6 months", "percent", True, 50, 85, ""),
            ("Heritage assets at risk", "count", False, 40, 120, ""),
            ("Average days to respond to a noise complaint", "days", False, 2, 10, ""),
            ("Delivery of the library transformation programme", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the library strategy", "community-managed libraries", "the community safety partnership plan",
                     "the domestic abuse strategy", "the volunteering strategy", "the heritage action zone",
                     "the scams prevention campaign", "the registration service digital booking",
                     "the Prevent duty action plan", "the community grants scheme", "village hall improvements",
                     "the archives digitisation programme"],
        "contracts": ["Library book supply", "Library management system", "Domestic abuse support services",
                      "CCTV monitoring", "Community transport grants", "Archive storage",
                      "Registration service booking system", "Coroner's mortuary services", "Museum conservation",
                      "Mobile library vehicles", "Citizens advice services", "Community safety campaigns"],
        "pressures": ["Coroner Service Demand", "Domestic Abuse Duty", "Library Building Maintenance",
                      "Registration Service Income"],
    },
    {
        "slug": "housing-and-regeneration", "name": "Housing and Regeneration", "short": "HR",
        "divisions": ["Housing Strategy", "Homelessness and Housing Options", "Regeneration", "Private Sector Housing"],
        "measures": [
            ("Households prevented from becoming homeless", "count", True, 400, 1400, ""),
            ("Households in temporary accommodation", "count", False, 80, 400, ""),
            ("Average weeks in bed and breakfast accommodation for families", "rate", False, 1, 8, "weeks"),
            ("Affordable homes delivered", "count", True, 150, 700, ""),
            ("Empty homes brought back into use", "count", True, 50, 300, ""),
            ("Disabled facilities grants completed", "count", True, 250, 700, ""),
            ("Average days to complete a disabled facilities grant", "days", False, 120, 300, ""),
            ("Homes improved to meet the decent homes standard", "count", True, 100, 600, ""),
            ("Rough sleepers (snapshot count)", "count", False, 5, 40, ""),
            ("Homelessness decisions made within 56 days", "percent", True, 60, 95, ""),
            ("Regeneration funding secured", "money", True, 2e6, 30e6, ""),
            ("Jobs created through regeneration schemes", "count", True, 100, 900, ""),
            ("Houses in multiple occupation licensed", "percent", True, 70, 98, ""),
            ("Energy efficiency measures installed in homes", "count", True, 200, 1500, ""),
            ("Council homes with a valid gas safety certificate", "percent", True, 98, 100, ""),
            ("Delivery of the town deal programme", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the homelessness and rough sleeping strategy", "the affordable housing programme",
                     "the town deal projects", "the empty homes strategy",
                     "the private sector housing enforcement policy",
                     "the disabled facilities grant process", "the housing retrofit programme",
                     "the temporary accommodation plan", "the high street recovery fund", "the housing register review",
                     "the regeneration masterplan", "the landlord accreditation scheme"],
        "contracts": ["Temporary accommodation framework", "Disabled adaptations works framework",
                      "Housing retrofit installers", "Rough sleeper outreach service", "Housing management system",
                      "Home improvement agency", "Regeneration design consultants",
                      "Supported housing for young people",
                      "Energy advice service", "Private sector stock condition survey", "Bond and deposit scheme",
                      "Public realm improvement works"],
        "pressures": ["Temporary Accommodation Costs", "Homelessness Demand", "Disabled Facilities Grant Demand",
                      "Regeneration Match Funding"],
    },
    {
        "slug": "economy-skills-and-culture", "name": "Economy, Skills and Culture", "short": "ESC",
        "divisions": ["Employment and Skills", "Business Growth", "Culture and Tourism", "Adult Education"],
        "measures": [
            ("Adults enrolled on community learning courses", "count", True, 4000, 12000, ""),
            ("Learners achieving a qualification", "percent", True, 80, 95, ""),
            ("Residents aged 16-64 qualified to level 3 or above", "percent", True, 50, 62, ""),
            ("Apprenticeship starts in the county", "count", True, 3000, 7000, ""),
            ("People helped into work by the employment hub", "count", True, 300, 1500, ""),
            ("Visitor spend in the county", "money", True, 800e6, 1600e6, ""),
            ("Visitors to council museums and heritage sites", "count", True, 150000, 450000, ""),
            ("Business start-ups supported", "count", True, 150, 600, ""),
            ("Inward investment enquiries converted", "percent", True, 10, 35, ""),
            ("Claimant count (aged 16-64)", "percent", False, 1.8, 4.5, ""),
            ("Young people taking part in cultural activities", "count", True, 10000, 40000, ""),
            ("Grant funding attracted to the arts", "money", True, 0.5e6, 4e6, ""),
            ("Workforce earning below the real living wage", "percent", False, 15, 25, ""),
            ("Adult learners who progress to further learning or work", "percent", True, 55, 80, ""),
            ("Average days to pay business support grants", "days", False, 10, 40, ""),
            ("Delivery of the county skills plan", "rag", None, 0, 0, ""),
        ],
        "subjects": ["the county skills plan", "the employment and skills hub", "the visitor economy strategy",
                     "the cultural investment programme", "the inward investment service",
                     "the adult education curriculum review", "the multiply numeracy programme",
                     "the business start-up programme", "the festival of culture", "the green skills academy",
                     "the rural business grants scheme", "the museum collections review"],
        "contracts": ["Adult learning venues", "Employability support", "Tourism marketing campaign",
                      "Business support programme delivery", "Arts commissioning", "Museum security services",
                      "Learner management system", "Careers guidance", "Events infrastructure hire",
                      "Digital skills training", "Economic research and evidence", "Inward investment marketing"],
        "pressures": ["Adult Education Grant Reduction", "Museum Energy Costs", "Employment Support Demand",
                      "Events Safety Requirements"],
    },
]
LOCALITIES = ["Ashby Vale", "Brindlecombe", "Carrowdale", "Denholm", "Eskfield", "Fernleigh"]
FIRST = ["Sarah", "James", "Helen", "David", "Amara", "Rajesh", "Claire", "Mark", "Joanne", "Peter", "Fatima",
         "Andrew", "Rebecca", "Simon", "Nadia", "Gareth", "Louise", "Tom", "Priya", "Michael", "Emma", "Kwame"]
LAST = ["Whitworth", "Patel", "Okafor", "Harrison", "Bennett", "Clarke", "Ahmed", "Fletcher", "Kaur", "Morgan",
        "Hughes", "Lawson", "Chen", "Brennan", "Sutcliffe", "Osei", "Rowley", "Thornton", "Iqbal", "Dawson"]
COUNCIL_PRIORITIES = ["Resilient, healthy and safe communities",
                      "High performing, value for money and resident focused services",
                      "Effective early help for individuals and communities", "A prosperous and green county"]
VALUES = ["Listen to, engage and involve local people to ensure services are responsive and take account of "
          "what matters to them",
          "Be open minded, honest and accountable, ensuring the decisions we make are fair and transparent",
          "Spend money wisely, making the best use of the resources that we have",
          "Work with partners and local communities because we know that we cannot tackle complex problems on our own",
          "Be aspirational about our vision for the future, for our county, our organisation and our communities"]
ACHIEVEMENTS = ["Completed the first year of {s}, on time and within budget",
                "Secured external funding of {m} to extend {s}",
                "Received positive feedback from the regulator on {s}",
                "Worked with partners to co-produce {s} with residents",
                "Reduced waiting times by redesigning {s}"]
VERBS = ["Implement {s}", "Review and refresh {s}", "Expand {s} to reach more residents",
         "Deliver the next phase of {s}", "Work with partners to improve {s}", "Develop a business case for {s}"]
SUCCESS = ["Improved outcomes reported by residents using the service", "Delivered within the approved budget",
           "Milestones in the project plan met", "Increased take-up among priority groups",
           "Positive feedback from partners and the regulator", "Reduced demand on high cost services",
           "Staff trained in the new approach", "Performance measures show sustained improvement"]
RESOURCES = ["Existing budget & resources", "Capital programme allocation", "One-off reserve funding",
             "External grant funding", "Invest to save funding"]
INTERDEPENDENCIES = ["Support from Corporate Services (ICT and HR)", "Partnership working with the NHS",
                     "Agreement of district and borough councils", "Availability of the provider market",
                     "Alignment with the council's medium term financial plan"]
RISKS = [("Demand for services grows faster than the budget allows, leading to financial pressures", "Resource",
          ["Monthly budget monitoring and forecasting", "Demand management through the early help offer",
           "Transformation programme savings tracked by the senior management team"]),
         ("Difficulty recruiting and retaining experienced staff affects the quality and timeliness of services",
          "Workforce", ["Recruitment and retention strategy", "Market supplements for hard to fill posts",
                        "Grow your own training schemes"]),
         ("Failure of a key provider disrupts services to residents", "Market",
          ["Provider failure contingency plans", "Regular contract monitoring and financial checks"]),
         ("A cyber attack or major ICT failure prevents services operating", "Operational",
          ["Business continuity plans tested annually", "Cyber security training for all staff"]),
         ("Changes in national policy or funding require services to be redesigned at short notice", "Strategic",
          ["Horizon scanning and engagement with national bodies", "Flexible reserves policy"]),
         ("Serious incident or harm to a resident receiving services", "Safeguarding",
          ["Quality assurance framework and case audits", "Multi-agency safeguarding arrangements"]),
         ("Capital schemes are delayed or exceed their budgets because of inflation", "Financial",
          ["Gateway reviews of capital schemes", "Contingency allowances in project budgets"])]
CATEGORIES = ["Employees", "Premises", "Transport", "Supplies and Services", "Agency and Contracted Services",
              "Transfer Payments", "Controllable Recharges"]
CONTRACT_FORMS = ["{c}", "{c} framework", "Re-procurement of {c}", "{c} (call-off)", "{c} - extension and re-tender",
                  "Dynamic purchasing system: {c}", "{c} (Lot 1)"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Target styles, in an order that puts every kind the assessment handles into the first 16 KPIs of a plan.
STYLES = ["number", "comparator", "range", "trend", "benchmark_value", "maintain_comparator", "rag", "monitor",
          "benchmark_quartile", "tbc", "trend_maintain", "benchmark_plain", "blank", "number", "benchmark_gap",
          "baseline", "comparator", "number", "trend", "range", "not_applicable", "benchmark_neighbours"]
NUMERIC_ONLY = {"number", "comparator", "range", "trend", "benchmark_value", "maintain_comparator", "trend_maintain",
                "benchmark_quartile", "benchmark_plain", "benchmark_gap", "benchmark_neighbours"}
OUTCOMES = (("on", 0.55), ("near", 0.2), ("off", 0.25))


# -- COPY machinery -----------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (list, tuple)):
        items = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return _text("{" + items + "}")
    return str(value)


class _Table:
    """Rows for one model, written with COPY. Ids are handed out here from a range reserved under a lock."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if not f.generated]  # PostgreSQL writes generated ones
        self.columns = [f.column for f in fields]
        self.position = {f.attname: i for i, f in enumerate(fields)}
        defaults = {f.attname: (None if f.primary_key else f.get_default()) for f in fields}
        for name in ("src_start", "src_end"):
            if name in defaults:
                defaults[name] = SYNTHETIC_SRC
        # Columns not given take their model default, rendered once.
        self.default_texts = [_text(defaults[f.attname]) for f in fields]
        self.lines: list[str] = []
        self.next_id = self.first_id = 0
        self.written = 0

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        texts = self.default_texts.copy()
        position = self.position
        texts[position["id"]] = str(pk)
        for name, value in values.items():
            texts[position[name]] = _text(value)
        self.lines.append("\t".join(texts))
        return pk

    def take(self) -> tuple[str, list[str]] | None:
        """The COPY statement and the rows added since the last take, handed to the writer."""
        if not self.lines:
            return None
        quote = connection.ops.quote_name
        sql = f"COPY {quote(self.model._meta.db_table)} ({', '.join(quote(c) for c in self.columns)}) FROM STDIN"
        lines, self.lines = self.lines, []
        self.written += len(lines)
        return sql, lines


class _CopyThread(threading.Thread):
    """Runs the COPYs of one council on the connection while the next council is being generated, so that the
    server's work (indexes, full-text vectors) overlaps Python's. The main thread does not touch the database
    until finish()."""

    def __init__(self, raw_connection):
        super().__init__(name="synthetic-copy", daemon=True)
        self.raw = raw_connection
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.raw.cursor() as cursor:
                    for sql, lines in batch:
                        with cursor.copy(sql) as copy:
                            for i in range(0, len(lines), 20000):
                                copy.write(("\n".join(lines[i:i + 20000]) + "\n").encode())
            except BaseException as exc:  # handed to the main thread, which rolls back
                self.error = exc

    def put(self, batch: list) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def finish(self) -> None:
        self.batches.put(None)
        self.join()
        if self.error is not None:
            raise self.error


class _Values(_Table):
    """KPI values: the hot path (millions of rows). Each (kind, printed) pair goes through the real loader's
    `kpi_value` once; its derived columns are kept as a ready-made piece of the COPY line."""

    DERIVED = ["printed", "value", "unit", "as_at", "as_at_precision", "provisional", "status", "note", "footnote",
               "target_kind", "comparator", "target_value", "target_low", "target_high", "direction", "benchmark",
               "maintain", "target_reason"]

    def __init__(self):
        super().__init__(KpiValue)
        from loader.services import LoadReport, PlanLoader

        self.loader = PlanLoader(Path("synthetic"), LoadReport())
        self.kpi = Kpi(key="synthetic")
        self.cache: dict[tuple[str, str], tuple[str, KpiValue]] = {}
        fixed = {"column": "", "source": "document", "commentary": "", "entered_by_id": None, "entered_at": None,
                 "previous_printed": "", "previous_by": "", "doubtful": "", "src_start": SYNTHETIC_SRC,
                 "src_end": SYNTHETIC_SRC}
        self.head = ["id", "kpi_id", "year", "kind"]
        self.tail = ["order"] + list(fixed)
        self.fixed_text = "\t".join(_text(v) for v in fixed.values())
        assert set(self.head + self.DERIVED + self.tail) == set(self.position)
        self.columns = [KpiValue._meta.get_field(a).column for a in self.head + self.DERIVED + self.tail]

    def parsed(self, kind: str, printed: str, year: int) -> _Assessed:
        """The value as the loader builds it, for `year`, holding what the assessment reads."""
        return _Assessed(self._derived(kind, printed)[1], year)

    def _derived(self, kind: str, printed: str) -> tuple[str, KpiValue]:
        hit = self.cache.get((kind, printed))
        if hit is None:
            obj = self.loader.kpi_value(self.kpi, {"year": "2020-21", "kind": kind, "printed": printed},
                                        "synthetic", 1, {})
            hit = ("\t".join(_text(getattr(obj, a)) for a in self.DERIVED), obj)
            self.cache[(kind, printed)] = hit
        return hit

    def add_value(self, kpi_id: int, year: int, kind: str, printed: str, order: int) -> None:
        pk = self.next_id
        self.next_id += 1
        self.lines.append(f"{pk}\t{kpi_id}\t{year}\t{kind}\t{self._derived(kind, printed)[0]}\t"
                          f"{order}\t{self.fixed_text}")


# The parsers are pure functions of the printed text: each distinct text is parsed once.
_parse_date = lru_cache(maxsize=None)(parsing.parse_date)
_parse_money = lru_cache(maxsize=None)(parsing.parse_money)
_parse_months = lru_cache(maxsize=None)(parsing.parse_months)
_parse_flag = lru_cache(maxsize=None)(parsing.parse_flag)


class _Assessed:
    """A KPI value as kpis.assessment.assess reads it: the loader's KpiValue for a printed text, at a year. Copying
    a model instance per value would cost more than the whole row's COPY."""

    __slots__ = ("obj", "year", "kind", "value", "printed", "status", "note", "target_kind", "target_reason",
                 "comparator", "target_value", "target_low", "target_high", "direction", "benchmark", "source",
                 "entered_at")

    def __init__(self, obj: KpiValue, year: int):
        self.obj, self.year = obj, year
        for name in self.__slots__[2:]:
            setattr(self, name, getattr(obj, name))

    def get_status_display(self) -> str:
        return self.obj.get_status_display()

    def get_kind_display(self) -> str:
        return self.obj.get_kind_display()


# -- Figures as printed -------------------------------------------------------------------------------------------

def _significant(value: float, digits: int = 3) -> float:
    """Rounded to `digits` significant figures, as plans print large figures (and so that the distinct printed
    texts, each parsed once, stay few)."""
    if value == 0:
        return 0.0
    from math import floor, log10

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


def _pick(rng: random.Random, weighted) -> str:
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
                delta = {"on": good * step * 0.5, "near": -good * _tolerance(unit, previous) * 0.5,
                         "off": -good * max(step, _tolerance(unit, previous) * 2.5)}[outcome]
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
    return {"monitor": "Monitor", "tbc": "TBC", "blank": "", "baseline": "Baseline year",
            "not_applicable": "N/A"}.get(style, "Monitor")


def _target(rng: random.Random, style: str, unit: str, hib: bool | None, value: float, outcome: str,
            year: int) -> str:
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
        return rng.choice(["Increasing trend", "Increase on the previous year"]) if up else \
            rng.choice(["Reduction from the previous year", "Reducing trend"])
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


# -- One department, all its years ------------------------------------------------------------------------------

class _Writer:
    def __init__(self, *, seed: int, kpis: int, deliverables: int, procurement: int, years: range):
        self.seed = seed
        self.kpi_count, self.deliverable_count, self.procurement_count = kpis, deliverables, procurement
        self.years = years
        self.tables: dict[type[models.Model], _Table] = {m: _Table(m) for m in WRITTEN if m is not KpiValue}
        self.values = _Values()
        self.tables[KpiValue] = self.values
        self.loader = self.values.loader
        self.sub_actions = 0
        self.stores_assessment = {"status", "travel"} <= {f.attname for f in Kpi._meta.concrete_fields}
        self.assessed: dict[tuple, tuple[str, str]] = {}

    def t(self, model: type[models.Model]) -> _Table:
        return self.tables[model]

    def council(self, number: int, departments: int) -> None:
        rng = random.Random(f"synthetic-{self.seed}-council-{number}")
        slug = f"syn-{number:03d}"
        council_id = self.t(Council).add(slug=slug, name=f"Synthetic County Council {number:03d}", is_synthetic=True)
        ambition = rng.choice([
            "We will work together with our partners and communities to be an enterprising council delivering value "
            "for money and enabling local people and places to thrive",
            "A county where everyone has the opportunity to live a healthy, safe and fulfilling life",
            "Working together for a greener, fairer and more prosperous county"])
        for index in range(departments):
            spec = DEPARTMENTS[index % len(DEPARTMENTS)]
            suffix = "" if index < len(DEPARTMENTS) else f"-{index // len(DEPARTMENTS) + 1}"
            self.department(rng_seed=f"synthetic-{self.seed}-council-{number}-dept-{index}", council_id=council_id,
                            council_slug=slug, spec=spec, suffix=suffix, ambition=ambition)

    def measures(self, rng: random.Random, spec: dict) -> list[tuple[M, str]]:
        """The department's KPIs as (measure, target style), the same in every year's plan. Once every measure
        is used, the same measures reported by locality follow."""
        pool: list[M] = list(spec["measures"]) + CORPORATE_MEASURES
        rng.shuffle(pool)
        candidates = pool + [(f"{m[0]} ({place})",) + m[1:] for place in LOCALITIES for m in pool]
        chosen: list[tuple[M, str]] = []
        used: set[str] = set()
        for position in range(self.kpi_count):
            style = STYLES[position % len(STYLES)]

            def fits(m: M, style: str = style) -> bool:
                if style == "rag":
                    return m[1] == "rag"
                if style in NUMERIC_ONLY:
                    return m[1] != "rag" and (m[2] is not None or style.startswith("benchmark"))
                return True

            pick = next((m for m in candidates if m[0] not in used and fits(m)), None)
            if pick is None:
                pick = next((m for m in candidates if m[0] not in used and m[1] != "rag"), None)
                style = "monitor"
            if pick is None:
                raise ValueError(f"at most {len(candidates)} KPIs per plan")
            used.add(pick[0])
            chosen.append((pick, style))
        return chosen

    def department(self, *, rng_seed: str, council_id: int, council_slug: str, spec: dict, suffix: str,
                   ambition: str) -> None:
        rng = random.Random(rng_seed)
        slug = f"{council_slug}-{spec['slug']}{suffix}"
        name = spec["name"] + (f" {suffix[1:]}" if suffix else "")
        department_id = self.t(Department).add(council_id=council_id, slug=slug, name=name)
        years = self.years
        history = range(years.start - 3, years.stop + 1)
        measures: list[_Measure] = []
        keys: set[str] = set()
        for position, (m, style) in enumerate(self.measures(rng, spec)):
            key = slugify(m[0])[:80].strip("-")
            while key in keys:
                key += "-2"
            keys.add(key)
            actual, latest, target = _series(rng, m, style, history)
            section = "council" if position % 3 != 2 else "departmental"
            group = rng.choice(COUNCIL_PRIORITIES) if section == "council" else "Departmental performance measures"
            measures.append(_Measure(key, m[0], m[1], m[2], m[5], style, group, section, actual, latest, target))
        measure_ids = {m.key: self.t(Measure).add(department_id=department_id, key=m.key, title=m.description,
                                                  why="Synthetic benchmark measure: the same KPI in every year's plan")
                       for m in measures}
        director = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        for year in years:
            if rng.random() < 0.3:
                director = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.plan(rng, department_id=department_id, slug=slug, name=name, spec=spec, year=year,
                      director=director, ambition=ambition, measures=measures, measure_ids=measure_ids)

    # -- a plan ---------------------------------------------------------------------------------------------------
    def plan(self, rng: random.Random, *, department_id: int, slug: str, name: str, spec: dict, year: int,
             director: str, ambition: str, measures: list[_Measure], measure_ids: dict[str, int]) -> None:
        cycle_start = year - (year - 2017) % 4
        label = parsing.fy_label(year)
        kind = Plan.Kind.SERVICE_PLAN if year == cycle_start else Plan.Kind.REFRESH
        title = f"Service Plan {cycle_start}-{str(cycle_start + 4)[-2:]}" + (
            "" if kind == Plan.Kind.SERVICE_PLAN else f" ({label} Refresh)")
        day = dt.date(year, rng.choice([1, 2, 3]), rng.randint(1, 28))
        plan_id = self.t(Plan).add(
            department_id=department_id, slug=f"{slug}-{label}", title=title, kind=kind,
            period=f"{cycle_start}-{str(cycle_start + 4)[-2:]}", financial_year=year, executive_director=director,
            executive_director_title="Executive Director", date=day,
            date_printed=f"Approved by Cabinet: {day.day} {day:%B %Y}",
            status=Plan.Status.DRAFT if year == self.years.stop - 1 and rng.random() < 0.2 else Plan.Status.FINAL,
            document=SYNTHETIC_DOCUMENT, fixture=f"generate_scale --seed {self.seed}",
            notes=[f"Synthetic benchmark data generated by manage.py generate_scale (seed {self.seed}): an invented "
                   "plan for load testing, not a real council's figures."],
        )
        self.words(rng, plan_id, name, spec, ambition, year)
        refs = self.deliverables(rng, plan_id, spec, year)
        self.budget(rng, plan_id, spec, year)
        self.kpis(rng, plan_id, year, measures, measure_ids, refs)
        self.procurement(rng, plan_id, spec, year)

    def words(self, rng: random.Random, plan_id: int, name: str, spec: dict, ambition: str, year: int) -> None:
        add = self.t(Statement).add
        order = 0

        def statement(kind: str, text: str, group: str = "") -> None:
            nonlocal order
            order += 1
            add(plan_id=plan_id, kind=kind, text=text, group=group, order=order)

        statement("ambition", ambition)
        for value in rng.sample(VALUES, 3):
            statement("value", value, "The way we work – we will")
        for priority in COUNCIL_PRIORITIES:
            statement("council_priority", priority, "Our Council priorities are")
        statement("overview", f"{name} delivers a wide range of services to residents, working closely with "
                              f"partners across the county. This plan sets out how the department will contribute to "
                              f"the council's priorities in {parsing.fy_label(year)} and the resources it will use.")
        for text in rng.sample(ACHIEVEMENTS, 2):
            statement("achievement", text.format(s=rng.choice(spec["subjects"]),
                                                 m=f"£{rng.randint(2, 40) * 50:,},000"))
        for subject in rng.sample(spec["subjects"], 3):
            statement("departmental_priority", f"Deliver {subject}")
        for i, division in enumerate(spec["divisions"], 1):
            self.t(Division).add(plan_id=plan_id, name=division, director=f"Director of {division}", order=i)
        total = 0
        rows = []
        for division in spec["divisions"]:
            heads = rng.randint(80, 1500)
            total += heads
            rows.append((division, f"{heads}", f"{heads * rng.uniform(0.78, 0.92):,.1f}"))
        rows.insert(0, ("", f"approximately {round(total, -2):,}", ""))
        for i, (division, headcount, fte) in enumerate(rows, 1):
            self.t(Workforce).add(plan_id=plan_id, division=division, headcount_printed=headcount,
                                  headcount=self.loader.first_number(headcount, "synthetic", "headcount"),
                                  fte_printed=fte, fte=self.loader.first_number(fte, "synthetic", "fte"),
                                  note="including relief workers" if not division else "", order=i)
        for i, (description, type_, mitigations) in enumerate(rng.sample(RISKS, rng.randint(3, 5)), 1):
            self.t(Risk).add(plan_id=plan_id, description=description, type=type_, mitigations=mitigations,
                             mitigation_intro="To manage the risk through:", owner="Executive Director", order=i)

    def deliverables(self, rng: random.Random, plan_id: int, spec: dict, year: int) -> list[str]:
        titles = [verb.format(s=s) for verb in VERBS for s in spec["subjects"]]
        titles = [t[0].upper() + t[1:] for t in rng.sample(titles, min(self.deliverable_count, len(titles)))]
        while len(titles) < self.deliverable_count:
            text = rng.choice(VERBS).format(s=rng.choice(spec["subjects"]))
            titles.append(f"{text} (phase {len(titles) + 1})")
        table = self.t(Deliverable)
        refs: list[str] = []
        order = 0
        half = (self.deliverable_count + 1) // 2
        for i, title in enumerate(titles, 1):
            section = "council" if i <= half else "departmental"
            ref = f"CP-{i:02d}" if section == "council" else f"DP-{i - half:02d}"
            refs.append(ref)
            start_printed, end_printed = self.span(rng, year)
            fields = self.dated(start_printed, end_printed)
            order += 1
            priority = COUNCIL_PRIORITIES[i % len(COUNCIL_PRIORITIES)] if section == "council" else ""
            lead = f"Director of {rng.choice(spec['divisions'])}"
            parent = table.add(
                plan_id=plan_id, key=ref, refs=[ref], section=section, council_priority=priority, title=title,
                lead=lead, resources=[rng.choice(RESOURCES)], interdependencies=rng.sample(INTERDEPENDENCIES, 2),
                success_measures=rng.sample(SUCCESS, rng.randint(2, 4)),
                outcome=f"By {year + 4} we will have {title[0].lower() + title[1:]}, improving outcomes for residents",
                in_council_plan=rng.choice([True, False, None]), order=order, **fields)
            if rng.random() < 0.15:
                for j in range(1, rng.randint(2, 3) + 1):
                    order += 1
                    self.sub_actions += 1
                    sub_start, sub_end = self.span(rng, year)
                    table.add(plan_id=plan_id, key=f"{ref}.{j}", parent_id=parent, refs=[], section=section,
                              council_priority=priority, title=f"Phase {j}: {rng.choice(SUCCESS).lower()}",
                              lead=lead, success_measures=[rng.choice(SUCCESS)], order=order,
                              **self.dated(sub_start, sub_end))
        return refs

    def span(self, rng: random.Random, year: int) -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.1:
            return "Ongoing", "Ongoing"
        if roll < 0.2:
            return "Underway", f"Mar {year + 1}"
        if roll < 0.3:
            return f"01/04/{year}", f"31/03/{year + 1}"
        start = rng.randint(0, 8)
        end = start + rng.randint(3, 18)
        return (f"{MONTH_ABBR[(3 + start) % 12]} {year + (3 + start) // 12}",
                f"{MONTH_ABBR[(3 + end) % 12]} {year + (3 + end) // 12}")

    @staticmethod
    def dated(start_printed: str, end_printed: str) -> dict:
        start, end = _parse_date(start_printed), _parse_date(end_printed)
        return {"start_printed": start_printed, "start": start.date, "start_precision": start.precision,
                "end_printed": end_printed, "end": end.date, "end_precision": end.precision}

    def budget(self, rng: random.Random, plan_id: int, spec: dict, year: int) -> None:
        label = parsing.fy_label(year)
        table_id = self.t(BudgetTable).add(plan_id=plan_id, title=f"Approved Controllable Budget {label}",
                                           kind="controllable", unit="£", multiplier=1, order=1)
        labels = CATEGORIES + ["Gross Budget", "Income", "Grants", "Net Budget"]
        roles = ["category"] * len(CATEGORIES) + ["gross", "income", "grants", "net"]
        columns = [self.t(BudgetColumn).add(table_id=table_id, label=lab, role=role, order=i)
                   for i, (lab, role) in enumerate(zip(labels, roles, strict=False), 1)]
        totals = [0] * len(columns)
        rows = []
        for division in spec["divisions"]:
            scale = rng.uniform(2e6, 40e6)
            cats = [int(scale * rng.uniform(0.35, 0.6)), int(scale * rng.uniform(0.005, 0.03)),
                    int(scale * rng.uniform(0.005, 0.05)), int(scale * rng.uniform(0.05, 0.2)),
                    int(scale * rng.uniform(0.1, 0.6)), int(scale * rng.uniform(0, 0.05)),
                    -int(scale * rng.uniform(0.01, 0.15))]
            gross = sum(cats)
            income = -int(gross * rng.uniform(0.01, 0.15))
            grants = -int(gross * rng.uniform(0, 0.12))
            figures = cats + [gross, income, grants, gross + income + grants]
            rows.append((division, "row", figures))
            totals = [a + b for a, b in zip(totals, figures, strict=False)]
        rows.append(("Total controllable budget", "total", totals))
        for order, (division, kind, figures) in enumerate(rows, 1):
            row_id = self.t(BudgetRow).add(table_id=table_id, division=division, kind=kind, order=order)
            for column_id, figure in zip(columns, figures, strict=False):
                printed = f"£{figure:,}" if figure >= 0 else f"£-{-figure:,}"
                value = _parse_money(printed).value
                self.t(BudgetCell).add(row_id=row_id, column_id=column_id, printed=printed, printed_value=value,
                                       value=value)
        net = totals[-1]
        pressures = []
        order = 0
        for title in rng.sample(spec["pressures"], min(len(spec["pressures"]), rng.randint(2, 4))):
            for kind in rng.sample(["ongoing", "ongoing_contingency", "one_off", "one_off_contingency"],
                                   rng.randint(1, 2)):
                amount = rng.randint(2, 600) * 10_000
                printed = f"£{amount:,}"
                order += 1
                pressures.append((kind, amount))
                self.t(ServicePressure).add(plan_id=plan_id, title=title, kind=kind, printed=printed,
                                            amount=_parse_money(printed).value, order=order)
        savings = 0
        for i in range(1, rng.randint(2, 3) + 1):
            amount = rng.randint(1, 120) * 5_000
            savings += amount
            printed = f"£ {amount:,}"
            self.t(Saving).add(plan_id=plan_id, title=f"{rng.choice(['Review of', 'Efficiencies in', 'Redesign of'])} "
                                                      f"{rng.choice(spec['contracts']).lower()}",
                               description="Savings identified through the budget challenge process",
                               printed=printed, amount=_parse_money(printed).value, year=year, order=i)
        ongoing = sum(a for k, a in pressures if k == "ongoing")
        headlines = [(f"Department budget {label}", f"£{net / 1e6:,.2f} million"),
                     (f"Service pressures {label} ongoing", f"£{ongoing / 1e6:,.3f}m"),
                     (f"Savings total {label}", f"£{savings / 1e6:,.3f} million")]
        for i, (text, printed) in enumerate(headlines, 1):
            self.t(BudgetHeadline).add(plan_id=plan_id, label=text, printed=printed,
                                       value=_parse_money(printed).value, order=i)

    def kpis(self, rng: random.Random, plan_id: int, year: int, measures: list[_Measure],
             measure_ids: dict[str, int], refs: list[str]) -> None:
        table = self.t(Kpi)
        values = self.values
        for order, m in enumerate(measures, 1):
            links = [rng.choice(refs)] if refs and rng.random() < 0.2 else []
            kpi_id = table.next_id  # the row is added below, once its assessment is known
            # As the real plans print them: two years of actuals, the current year's latest, three targets.
            cells = [(year - 3, "actual", m.actual[year - 3]), (year - 2, "actual", m.actual[year - 2]),
                     (year - 1, "latest", m.latest[year - 1]), (year - 1, "target", m.target[year - 1]),
                     (year, "target", m.target[year]), (year + 1, "target", m.target[year + 1])]
            for position, (when, kind, printed) in enumerate(cells, 1):
                values.add_value(kpi_id, when, kind, printed, position)
            if self.stores_assessment:
                # The loader stores each KPI's assessment after writing its values (kpis.services.kpis_assess):
                # the same rules, run here on the values just written (all relative to the plan's year, so the
                # result is cached by what is printed).
                key = (m.unit, m.hib, tuple(c[2] for c in cells))
                result = self.assessed.get(key)
                if result is None:
                    result = assess(values=[values.parsed(kind, printed, when) for when, kind, printed in cells],
                                    unit=m.unit, higher_is_better=m.hib, tolerance=None)
                    result = self.assessed[key] = (result.status, result.travel)
                assessed = {"status": result[0], "travel": result[1]}
            else:
                assessed = {}
            added = table.add(plan_id=plan_id, measure_id=measure_ids[m.key], key=m.key, description=m.description,
                              unit=m.unit, unit_note=m.unit_note, higher_is_better=m.hib,
                              responsible="Executive Director" if m.section == "council" else "Service Director",
                              section=m.section, group=m.group, links=links, order=order, **assessed)
            assert added == kpi_id

    def procurement(self, rng: random.Random, plan_id: int, spec: dict, year: int) -> None:
        tables = [
            ("Table One: Forward Plan of Procurements",
             f"above £50K less than Find a Tender threshold due to commence prior to April {year + 2}",
             50_000, 214_000),
            ("Table Two: Forward Plan of Procurements",
             f"(above Find a Tender threshold) due to commence prior to April {year + 2}", 215_000, 25_000_000),
        ]
        names = [form.format(c=c) for c in spec["contracts"] for form in CONTRACT_FORMS]
        rng.shuffle(names)
        first = (self.procurement_count * 11) // 20
        order = 0
        for t, (title, band, low, high) in enumerate(tables, 1):
            table_id = self.t(ProcurementTable).add(
                plan_id=plan_id, title=title, band=band, order=t,
                notes=["All values are estimated and may change when projects are tendered"] if t == 2 else [])
            count = first if t == 1 else self.procurement_count - first
            for _ in range(count):
                name = names[order % len(names)] + ("" if order < len(names) else f" (lot {order // len(names) + 1})")
                order += 1
                roll = rng.random()
                if roll < 0.04:
                    value_printed = "TBA"
                elif roll < 0.07:
                    value_printed = "TBC"
                elif roll < 0.08:
                    value_printed = ""
                else:
                    amount = int(low * (high / low) ** rng.random())
                    value_printed = f"£{round(amount, -3):,}"
                money = _parse_money(value_printed)
                start_month = rng.randint(0, 23)
                starts = dt.date(year + (3 + start_month) // 12, (3 + start_month) % 12 + 1, 1)
                contract = starts + dt.timedelta(days=rng.choice([92, 183, 274, 365]))
                roll = rng.random()
                procurement_start = ("TBA" if roll < 0.05 else "TBC" if roll < 0.08 else
                                     f"{starts.year}/{starts.year + 1}" if roll < 0.1 else
                                     f"{MONTH_ABBR[starts.month - 1]} {starts.year}" if roll < 0.2 else
                                     f"{starts:%d/%m/%Y}")
                contract_start = "TBA" if rng.random() < 0.05 else f"{contract:%d/%m/%Y}"
                advert = f"{starts + dt.timedelta(days=45):%d/%m/%Y}" if t == 2 else ""
                length = rng.choice(["36", "24 months", "48", "5 years", "12 months", ""])
                statutory = rng.choice(["Y", "N", "N", ""])
                fields = {}
                for field_name, printed in (("procurement_start", procurement_start), ("advert", advert),
                                            ("contract_start", contract_start)):
                    parsed = _parse_date(printed)
                    fields.update({f"{field_name}_printed": printed, field_name: parsed.date,
                                   f"{field_name}_problem": parsed.problem})
                self.t(ProcurementEntry).add(
                    table_id=table_id, plan_id=plan_id, group=rng.choice(spec["divisions"]), title=name,
                    value_printed=value_printed, value=money.value, value_status=money.status, length_printed=length,
                    length_months=_parse_months(length), statutory_printed=statutory,
                    statutory=_parse_flag(statutory),
                    notes="Includes an option to extend by 12 months" if rng.random() < 0.1 else "",
                    order=order, **fields)

    # -- writing ----------------------------------------------------------------------------------------------------
    def reserve(self, cursor) -> None:
        """Lock the tables against other writers and take ids from their identity sequences."""
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in WRITTEN)
        cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        for model, table in self.tables.items():
            db_table = model._meta.db_table
            cursor.execute(f"SELECT GREATEST(nextval(pg_get_serial_sequence(%s, 'id')), "
                           f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(db_table)}))",
                           [db_table])
            table.next_id = table.first_id = cursor.fetchone()[0]

    def take(self) -> list[tuple[str, list[str]]]:
        """Every table's new rows, parents before children."""
        return [batch for model in WRITTEN if (batch := self.tables[model].take()) is not None]

    def fk_triggers_off(self, cursor) -> bool:
        """Skip PostgreSQL's row-by-row foreign key triggers for this transaction (as pg_restore
        --disable-triggers does; needs a superuser, which the embedded server's user is). The ids written are
        checked set-wise by check_foreign_keys instead: a few seconds, not minutes. False when not permitted."""
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        return True

    def check_foreign_keys(self, cursor) -> None:
        """Every foreign key of every row written points at a row that exists (one anti-join per key)."""
        quote = connection.ops.quote_name
        for model, table in self.tables.items():
            if not table.written:
                continue
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                parent = field.related_model._meta
                cursor.execute(
                    f"SELECT c.id FROM {quote(model._meta.db_table)} c WHERE c.id >= %s AND c.{quote(field.column)} "
                    f"IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote(parent.db_table)} p "
                    f"WHERE p.{quote(field.target_field.column)} = c.{quote(field.column)}) LIMIT 1",
                    [table.first_id])
                row = cursor.fetchone()
                if row is not None:
                    raise RuntimeError(f"{model._meta.db_table} row {row[0]}: {field.column} points at no row")
        cursor.execute("SET LOCAL session_replication_role = origin")

    def release(self, cursor) -> None:
        for model, table in self.tables.items():
            if table.written:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                               [model._meta.db_table, table.next_id - 1])


COUNT_NAMES = {Council: "councils", Department: "departments", Plan: "plans", Measure: "measures", Kpi: "kpis",
               KpiValue: "kpi_values", Deliverable: "deliverables", Risk: "risks", Statement: "statements",
               Division: "divisions", Workforce: "workforce", BudgetTable: "budget_tables",
               BudgetColumn: "budget_columns", BudgetRow: "budget_rows", BudgetCell: "budget_cells",
               BudgetHeadline: "budget_headlines", ServicePressure: "pressures", Saving: "savings",
               ProcurementTable: "procurement_tables", ProcurementEntry: "procurement_entries"}


def synthetic_councils_exist() -> bool:
    return Council.objects.filter(is_synthetic=True).exists()


def real_councils() -> list[str]:
    return list(Council.objects.filter(is_synthetic=False).order_by("name").values_list("name", flat=True))


def synthetic_delete() -> None:
    """Remove every synthetic council with everything under it. Only when no real council is held (so every
    plan is synthetic): the plan tables are emptied with TRUNCATE, which is instant and transactional."""
    if real_councils():
        raise SyntheticRefused("synthetic_delete: this database holds real councils; refusing to empty plan tables")
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in PLAN_CONTENT)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}")
    synthetic = Council.objects.filter(is_synthetic=True)
    Role.objects.filter(department__council__in=synthetic).delete()
    ClosedPeriod.objects.filter(department__council__in=synthetic).delete()
    Department.objects.filter(council__in=synthetic).delete()
    synthetic.delete()


def synthetic_generate(*, councils: int, departments: int = 8, years: int = 10, seed: int = 1, kpis: int = 60,
                       deliverables: int = 40, procurement: int = 80, stdout: TextIO | None = None,
                       replace: bool = False) -> dict[str, int]:
    """Write a synthetic installation in one transaction and return the rows written per table.

    Refuses (SyntheticRefused, nothing written) when the database holds a real council, or synthetic councils
    already (unless `replace`, which deletes them first, in the same transaction)."""
    if councils < 1 or departments < 1 or years < 1 or kpis < 1 or deliverables < 0 or procurement < 0:
        raise ValueError("councils, departments, years and kpis must be at least 1")
    if councils > 999:
        raise ValueError("at most 999 councils (slugs are syn-001 to syn-999)")

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")
            stdout.flush()

    started = time.perf_counter()
    year_range = range(LAST_YEAR - years + 1, LAST_YEAR + 1)
    writer = _Writer(seed=seed, kpis=kpis, deliverables=deliverables, procurement=procurement, years=year_range)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Council._meta.db_table)} IN EXCLUSIVE MODE")
        real = real_councils()
        if real:
            raise SyntheticRefused(
                f"This database holds real councils' data ({', '.join(real)}). Synthetic data is never mixed with "
                "it: generate into its own database: LOCAL_DATABASE_NAME=app_scale make migrate && "
                "LOCAL_DATABASE_NAME=app_scale .venv/bin/python manage.py generate_scale --councils 100")
        if synthetic_councils_exist():
            if not replace:
                raise SyntheticRefused("This database already holds synthetic councils: use --replace to delete "
                                       "them and generate again.")
            say("Deleting the synthetic councils already held...")
            synthetic_delete()
        with connection.cursor() as cursor:
            writer.reserve(cursor)
            triggers_off = writer.fk_triggers_off(cursor)
            copier = _CopyThread(connection.connection)
            copier.start()
            try:
                for number in range(1, councils + 1):
                    t0 = time.perf_counter()
                    writer.council(number, departments)
                    plans = len(writer.t(Plan).lines)
                    values = len(writer.values.lines)
                    copier.put(writer.take())
                    say(f"council syn-{number:03d} ({number}/{councils}): {plans} plans, {values:,} KPI values "
                        f"({len(writer.values.cache):,} distinct printed values) in {time.perf_counter() - t0:.1f}s "
                        f"(total {time.perf_counter() - started:.0f}s)")
            finally:
                copier.finish()
            writer.release(cursor)
            say(f"Written in {time.perf_counter() - started:.0f}s. Checking foreign keys and committing...")
            # While foreign-key triggers are still off: updating rows inserted in this transaction would queue a
            # check per row (and a later TRUNCATE in the same transaction would refuse to run).
            say("Storing the procurement tables' figures...")
            ProcurementTable.objects.filter(plan__department__council__is_synthetic=True).summarise()
            if triggers_off:
                writer.check_foreign_keys(cursor)
    counts = {name: writer.tables[model].written for model, name in COUNT_NAMES.items()}
    # "deliverables" are the plans' top-level rows, as asked for; their sub-actions are counted apart.
    counts["sub_actions"] = writer.sub_actions
    counts["deliverables"] -= writer.sub_actions
    say(f"Committed in {time.perf_counter() - started:.1f}s. Analysing the tables written...")
    with connection.cursor() as cursor:
        for model in WRITTEN:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    say(f"Done in {time.perf_counter() - started:.1f}s.")
    return counts
