"""The words synthetic plans are written in (perf/synthetic_writer.py, perf/synthetic_money.py): localities,
people's names, council priorities and values, the vocabulary of achievements, deliverables, risks, budget
categories and procurement contracts. Plain data."""

from __future__ import annotations

LOCALITIES = ["Ashby Vale", "Brindlecombe", "Carrowdale", "Denholm", "Eskfield", "Fernleigh"]
FIRST = [
    "Sarah",
    "James",
    "Helen",
    "David",
    "Amara",
    "Rajesh",
    "Claire",
    "Mark",
    "Joanne",
    "Peter",
    "Fatima",
    "Andrew",
    "Rebecca",
    "Simon",
    "Nadia",
    "Gareth",
    "Louise",
    "Tom",
    "Priya",
    "Michael",
    "Emma",
    "Kwame",
]
LAST = [
    "Whitworth",
    "Patel",
    "Okafor",
    "Harrison",
    "Bennett",
    "Clarke",
    "Ahmed",
    "Fletcher",
    "Kaur",
    "Morgan",
    "Hughes",
    "Lawson",
    "Chen",
    "Brennan",
    "Sutcliffe",
    "Osei",
    "Rowley",
    "Thornton",
    "Iqbal",
    "Dawson",
]
COUNCIL_PRIORITIES = [
    "Resilient, healthy and safe communities",
    "High performing, value for money and resident focused services",
    "Effective early help for individuals and communities",
    "A prosperous and green county",
]
VALUES = [
    "Listen to, engage and involve local people to ensure services are responsive and take account of "
    "what matters to them",
    "Be open minded, honest and accountable, ensuring the decisions we make are fair and transparent",
    "Spend money wisely, making the best use of the resources that we have",
    "Work with partners and local communities because we know that we cannot tackle complex problems on our own",
    "Be aspirational about our vision for the future, for our county, our organisation and our communities",
]
ACHIEVEMENTS = [
    "Completed the first year of {s}, on time and within budget",
    "Secured external funding of {m} to extend {s}",
    "Received positive feedback from the regulator on {s}",
    "Worked with partners to co-produce {s} with residents",
    "Reduced waiting times by redesigning {s}",
]
VERBS = [
    "Implement {s}",
    "Review and refresh {s}",
    "Expand {s} to reach more residents",
    "Deliver the next phase of {s}",
    "Work with partners to improve {s}",
    "Develop a business case for {s}",
]
SUCCESS = [
    "Improved outcomes reported by residents using the service",
    "Delivered within the approved budget",
    "Milestones in the project plan met",
    "Increased take-up among priority groups",
    "Positive feedback from partners and the regulator",
    "Reduced demand on high cost services",
    "Staff trained in the new approach",
    "Performance measures show sustained improvement",
]
RESOURCES = [
    "Existing budget & resources",
    "Capital programme allocation",
    "One-off reserve funding",
    "External grant funding",
    "Invest to save funding",
]
INTERDEPENDENCIES = [
    "Support from Corporate Services (ICT and HR)",
    "Partnership working with the NHS",
    "Agreement of district and borough councils",
    "Availability of the provider market",
    "Alignment with the council's medium term financial plan",
]
RISKS = [
    (
        "Demand for services grows faster than the budget allows, leading to financial pressures",
        "Resource",
        [
            "Monthly budget monitoring and forecasting",
            "Demand management through the early help offer",
            "Transformation programme savings tracked by the senior management team",
        ],
    ),
    (
        "Difficulty recruiting and retaining experienced staff affects the quality and timeliness of services",
        "Workforce",
        [
            "Recruitment and retention strategy",
            "Market supplements for hard to fill posts",
            "Grow your own training schemes",
        ],
    ),
    (
        "Failure of a key provider disrupts services to residents",
        "Market",
        ["Provider failure contingency plans", "Regular contract monitoring and financial checks"],
    ),
    (
        "A cyber attack or major ICT failure prevents services operating",
        "Operational",
        ["Business continuity plans tested annually", "Cyber security training for all staff"],
    ),
    (
        "Changes in national policy or funding require services to be redesigned at short notice",
        "Strategic",
        ["Horizon scanning and engagement with national bodies", "Flexible reserves policy"],
    ),
    (
        "Serious incident or harm to a resident receiving services",
        "Safeguarding",
        ["Quality assurance framework and case audits", "Multi-agency safeguarding arrangements"],
    ),
    (
        "Capital schemes are delayed or exceed their budgets because of inflation",
        "Financial",
        ["Gateway reviews of capital schemes", "Contingency allowances in project budgets"],
    ),
]
CATEGORIES = [
    "Employees",
    "Premises",
    "Transport",
    "Supplies and Services",
    "Agency and Contracted Services",
    "Transfer Payments",
    "Controllable Recharges",
]
CONTRACT_FORMS = [
    "{c}",
    "{c} framework",
    "Re-procurement of {c}",
    "{c} (call-off)",
    "{c} - extension and re-tender",
    "Dynamic purchasing system: {c}",
    "{c} (Lot 1)",
]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
