"""The vocabulary of the benchmark's synthetic disclosure log.

A UK police force's log (with the topics every public body is asked about: spending,
contracts, staff): topics with their keywords, question and answer templates, the
outcomes' standard paragraphs, sentences mined from ``fixtures/demo.json``, and a long
tail of rare terms (places, streets, operation names, specialist words) drawn with a
Zipf-like distribution, so that some words are in most disclosures, some in a handful,
and a few thousand typing slips give the "did you mean" vocabulary a realistic size.

Nothing here touches the database; ``generate.py`` draws from it with a fixed seed.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (topic title, subject phrase used in questions, keyword names). Ordered roughly by how
# often a force is asked about each; the generator weights them by rank (Zipf).
TOPICS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Stop and Search", "stop and search encounters", ("Stop and search",)),
    ("Police Officer Numbers", "police officers in post", ("Workforce", "Recruitment")),
    ("Overtime Payments", "overtime payments to officers and staff", ("Overtime", "Expenditure")),
    ("Taser Use", "Taser discharges and drawings", ("Taser", "Use of force")),
    ("Domestic Abuse Reports", "domestic abuse incidents", ("Domestic abuse",)),
    ("Knife Crime", "knife crime offences", ("Knife crime",)),
    ("Drone Deployments", "drone deployments", ("Drones",)),
    ("Body-Worn Video", "body-worn video recordings", ("Body-worn video",)),
    ("Police Vehicle Fleet", "vehicles in the force fleet", ("Vehicle fleet",)),
    ("Misconduct Hearings", "misconduct hearings", ("Misconduct", "Professional standards")),
    ("Complaints Against Officers", "complaints against officers", ("Complaints",)),
    ("Hate Crime", "hate crimes recorded", ("Hate crime",)),
    ("Missing Persons", "missing person reports", ("Missing persons",)),
    ("Mental Health Detentions", "detentions under section 136", ("Mental health",)),
    ("Custody Detentions", "detainees held in custody", ("Custody",)),
    ("Road Traffic Collisions", "road traffic collisions", ("Road traffic collisions",)),
    ("Speed Camera Enforcement", "speed camera activations", ("Speed cameras",)),
    ("Firearms Licensing", "firearm and shotgun certificates", ("Firearms licensing",)),
    ("Armed Policing", "armed response deployments", ("Armed policing",)),
    ("Facial Recognition", "facial recognition deployments", ("Facial recognition",)),
    ("ANPR Cameras", "automatic number plate recognition cameras", ("ANPR",)),
    ("Cyber Crime", "cyber crime reports", ("Cyber crime",)),
    ("Fraud Reports", "fraud reports", ("Fraud",)),
    ("Sexual Offences", "sexual offences recorded", ("Sexual offences",)),
    ("Rape Investigations", "rape investigations", ("Sexual offences", "Investigations")),
    ("Burglary", "residential burglaries", ("Burglary", "Crime statistics")),
    ("Vehicle Crime", "thefts of and from vehicles", ("Vehicle crime", "Crime statistics")),
    ("Shoplifting", "shoplifting offences", ("Shoplifting", "Crime statistics")),
    ("Anti-Social Behaviour", "anti-social behaviour incidents", ("Anti-social behaviour",)),
    ("Drug Offences", "drug possession and supply offences", ("Drugs",)),
    ("County Lines", "county lines operations", ("County lines", "Drugs")),
    ("Modern Slavery", "modern slavery referrals", ("Modern slavery",)),
    ("Child Sexual Exploitation", "child sexual exploitation investigations", ("Safeguarding",)),
    ("Children in Custody", "children detained overnight", ("Children and young people",)),
    ("999 Call Handling", "999 calls answered", ("999 calls", "Control room")),
    ("101 Non-Emergency Calls", "101 calls abandoned", ("101 calls", "Control room")),
    ("Response Times", "emergency response times", ("Response times",)),
    ("Police Dogs", "police dogs in service", ("Police dogs",)),
    ("Mounted Section", "police horses", ("Mounted police",)),
    ("Police Helicopter", "NPAS helicopter requests", ("Air support",)),
    ("Sickness Absence", "working days lost to sickness", ("Staff sickness",)),
    ("Stress-Related Absence", "absences due to stress and anxiety", ("Staff sickness",)),
    ("Vetting", "vetting applications refused", ("Vetting",)),
    ("Recruitment", "applications to join the force", ("Recruitment",)),
    ("Diversity of the Workforce", "officers by ethnicity and gender", ("Diversity",)),
    ("Gender Pay Gap", "the gender pay gap", ("Pay", "Diversity")),
    ("Chief Officer Pay", "salaries and allowances of chief officers", ("Chief officers", "Pay")),
    ("Gifts and Hospitality", "gifts and hospitality declared", ("Gifts and hospitality",)),
    ("Business Interests", "business interests declared by officers", ("Business interests",)),
    ("Expenses Claims", "expenses claimed", ("Expenses",)),
    ("IT Contracts", "IT contracts", ("IT contracts", "Procurement")),
    ("Software Licences", "software licences", ("IT contracts",)),
    ("Records Management System", "the records management system", ("IT contracts",)),
    ("Consultancy Spending", "spending on external consultants", ("Expenditure", "Procurement")),
    ("Agency Staff", "agency staff costs", ("Expenditure", "Workforce")),
    ("Police Estate", "police stations and buildings", ("Police estate",)),
    ("Front Counter Closures", "police station front counters", ("Police estate",)),
    ("Energy Use", "energy consumption of police buildings", ("Energy", "Police estate")),
    ("Electric Vehicles", "electric vehicles", ("Vehicle fleet", "Energy")),
    ("Police Pursuits", "police pursuits", ("Police pursuits", "Road traffic collisions")),
    (
        "Collisions Involving Police Vehicles",
        "collisions involving police vehicles",
        ("Vehicle fleet",),
    ),
    ("Assaults on Officers", "assaults on police officers", ("Assaults on officers",)),
    (
        "Spit and Bite Guards",
        "uses of spit and bite guards",
        ("Spit and bite guards", "Use of force"),
    ),
    ("Use of Force", "use of force reports", ("Use of force",)),
    ("Handcuffing", "handcuffing of detainees", ("Use of force",)),
    ("Deaths in Custody", "deaths and serious incidents in custody", ("Custody", "Deaths")),
    ("Deaths Following Police Contact", "deaths following police contact", ("Deaths",)),
    ("Public Order", "public order deployments", ("Public order",)),
    ("Protest Policing", "protests policed", ("Public order", "Protest")),
    ("Football Policing", "football matches policed", ("Football", "Public order")),
    ("Events Policing Costs", "the cost of policing events", ("Special police services",)),
    ("Mutual Aid", "officers provided as mutual aid", ("Mutual aid",)),
    ("Counter-Terrorism", "counter-terrorism referrals", ("Counter-terrorism",)),
    ("Prevent Referrals", "Prevent referrals", ("Counter-terrorism", "Prevent")),
    ("Covert Surveillance", "directed surveillance authorisations", ("Covert surveillance",)),
    ("Informants", "covert human intelligence sources", ("Informants",)),
    ("Mobile Phone Extraction", "mobile phone extractions", ("Mobile phone extraction",)),
    (
        "Digital Forensics Backlog",
        "devices awaiting digital forensic examination",
        ("Digital forensics",),
    ),
    ("DNA and Fingerprints", "DNA profiles and fingerprints retained", ("Biometrics",)),
    ("Predictive Policing", "predictive policing tools", ("Predictive policing", "Algorithms")),
    ("Artificial Intelligence", "artificial intelligence systems", ("Artificial intelligence",)),
    ("Social Media Monitoring", "social media monitoring", ("Social media",)),
    (
        "Misconduct Involving Social Media",
        "misconduct cases involving social media",
        ("Social media", "Misconduct"),
    ),
    ("Wildlife Crime", "wildlife crimes", ("Wildlife crime", "Rural crime")),
    ("Rural Crime", "thefts of farm machinery", ("Rural crime",)),
    ("Hare Coursing", "hare coursing incidents", ("Rural crime", "Wildlife crime")),
    ("Livestock Worrying", "livestock worrying by dogs", ("Rural crime",)),
    ("Dangerous Dogs", "dangerous dog seizures", ("Dangerous dogs",)),
    ("Fly-Tipping", "fly-tipping reports", ("Environmental crime",)),
    ("E-Scooters", "e-scooters seized", ("E-scooters", "Road safety")),
    ("Drink and Drug Driving", "drink and drug driving arrests", ("Road safety",)),
    ("Uninsured Vehicles", "uninsured vehicles seized", ("Road safety",)),
    ("Fixed Penalty Notices", "fixed penalty notices issued", ("Fixed penalty notices",)),
    (
        "Coronavirus Fines",
        "coronavirus fixed penalty notices",
        ("COVID-19", "Fixed penalty notices"),
    ),
    ("Out of Court Disposals", "community resolutions and cautions", ("Out of court disposals",)),
    ("Charge Rates", "offences resulting in a charge", ("Crime outcomes",)),
    ("Crime Outcomes", "crime outcomes", ("Crime outcomes", "Crime statistics")),
    ("Victim Satisfaction", "victim satisfaction surveys", ("Victims",)),
    ("Domestic Violence Disclosure Scheme", "Clare's Law applications", ("Domestic abuse",)),
    ("Stalking and Harassment", "stalking and harassment offences", ("Stalking",)),
    ("Honour-Based Abuse", "honour-based abuse reports", ("Safeguarding",)),
    ("Forced Marriage", "forced marriage protection orders", ("Safeguarding",)),
    ("Female Genital Mutilation", "FGM reports", ("Safeguarding",)),
    ("Elder Abuse", "reports of abuse of older people", ("Safeguarding",)),
    ("Online Child Abuse", "indecent images of children investigations", ("Online safety",)),
    ("Sextortion", "sextortion reports", ("Online safety", "Cyber crime")),
    ("Ransomware", "ransomware attacks", ("Cyber crime",)),
    ("Data Breaches", "data breaches reported to the ICO", ("Data protection",)),
    ("Subject Access Requests", "subject access requests", ("Data protection",)),
    (
        "FOI Request Handling",
        "Freedom of Information requests received",
        ("Freedom of Information",),
    ),
    (
        "Police Uplift Programme",
        "officers recruited through the uplift programme",
        ("Recruitment",),
    ),
    ("Special Constables", "special constables", ("Volunteers",)),
    ("PCSO Numbers", "police community support officers", ("Workforce",)),
    ("Neighbourhood Policing", "neighbourhood policing teams", ("Neighbourhood policing",)),
    ("Police Training", "training courses delivered", ("Training",)),
    ("Officer Resignations", "officers who resigned", ("Workforce", "Retention")),
    ("Suspended Officers", "officers suspended on full pay", ("Misconduct",)),
    (
        "Criminal Convictions of Officers",
        "officers with criminal convictions",
        ("Vetting", "Misconduct"),
    ),
    ("Unmarked Police Vehicles", "unmarked police vehicles", ("Vehicle fleet",)),
    ("Abandoned Vehicles", "abandoned vehicles removed", ("Vehicle recovery",)),
    ("Seized Cash", "cash seized under the Proceeds of Crime Act", ("Proceeds of crime",)),
    ("Property Store", "items held in the property store", ("Property",)),
    ("Lost Property", "lost property handed in", ("Property",)),
    ("CCTV", "public space CCTV cameras", ("CCTV",)),
    ("Licensing Objections", "objections to premises licences", ("Licensing",)),
    ("Night-Time Economy", "violence in the night-time economy", ("Licensing", "Violent crime")),
    ("Violent Crime", "violence with injury offences", ("Violent crime",)),
    ("Homicides", "homicides", ("Homicide", "Violent crime")),
    ("Cold Cases", "unsolved murder investigations", ("Homicide", "Investigations")),
    ("Firearms Discharges", "firearms discharged by officers", ("Armed policing",)),
    ("Ammunition Stock", "ammunition purchased", ("Armed policing", "Procurement")),
    ("Catalytic Converter Thefts", "catalytic converter thefts", ("Vehicle crime",)),
    ("Bicycle Thefts", "bicycle thefts", ("Crime statistics",)),
    ("Scams Targeting Older People", "courier fraud reports", ("Fraud",)),
    ("Romance Fraud", "romance fraud reports", ("Fraud", "Cyber crime")),
    ("Cannabis Farms", "cannabis factories found", ("Drugs",)),
    ("Nitrous Oxide", "nitrous oxide seizures", ("Drugs",)),
    ("Knife Amnesty", "knives surrendered in amnesty bins", ("Knife crime",)),
    ("Weapons Sweeps", "weapons sweeps", ("Knife crime",)),
    ("Section 60 Authorisations", "section 60 authorisations", ("Stop and search",)),
    (
        "Strip Searches",
        "strip searches of children",
        ("Stop and search", "Children and young people"),
    ),
    ("Interpreters", "interpreter bookings", ("Expenditure",)),
    ("Legal Costs", "legal costs and compensation payments", ("Legal costs",)),
    ("Civil Claims", "civil claims against the force", ("Legal costs",)),
    ("Employment Tribunals", "employment tribunal claims", ("Legal costs", "Workforce")),
    ("Pensions", "pension payments to retired officers", ("Pensions",)),
    ("Police Federation", "time spent on Police Federation duties", ("Workforce",)),
    ("Trade Union Facility Time", "trade union facility time", ("Workforce",)),
    ("Mobile Phones and Devices", "mobile devices issued to staff", ("IT equipment",)),
    ("Data Centre and Cloud", "cloud hosting contracts", ("IT contracts",)),
    (
        "Command and Control System",
        "the command and control system",
        ("IT contracts", "Control room"),
    ),
    ("Radio Airwave Network", "the Airwave radio network", ("Emergency services network",)),
    ("Uniform Contracts", "uniform and protective equipment contracts", ("Procurement",)),
    ("Catering Contracts", "catering contracts", ("Procurement",)),
    (
        "Air Conditioning in Custody Suites",
        "custody suite maintenance",
        ("Custody", "Police estate"),
    ),
]

# Keywords that cut across topics, added to some disclosures. With the topics' own
# keywords and the rare ones below, the log has a few hundred keywords.
GENERAL_KEYWORDS = [
    "Crime statistics", "Expenditure", "Procurement", "Policy", "Workforce", "Training",
    "Equality", "Data", "Personal data", "Contracts", "Finance", "Performance",
    "Governance", "Performance statistics", "Partnership working", "Children and young people",
    "Victims", "Investigations", "Technology", "Equipment", "Safeguarding", "Road safety",
    "Violent crime", "Crime outcomes", "Police and Crime Commissioner", "Health and safety",
    "Complaints", "Information management", "Environment", "Community engagement",
    "Local policing", "Court cases", "Criminal justice", "Charging decisions",
    "Ethnicity", "Gender", "Age", "Disability", "Religion", "Sexual orientation",
    "Transgender", "Older people", "Students", "Schools", "Universities", "Hospitals",
    "Ambulance service", "Fire and rescue service", "Local authority", "Home Office",
    "College of Policing", "HMICFRS", "IOPC", "ICO", "Crown Prosecution Service",
    "National Crime Agency", "British Transport Police", "Border Force", "Prisons",
    "Probation", "Youth offending", "Night-time economy", "Alcohol", "Licensing",
    "Weapons", "Firearms", "Explosives", "Vehicles", "Buildings", "Energy", "Fuel",
    "Carbon emissions", "Sustainability", "Insurance", "Compensation", "Overtime",
    "Pay", "Bonuses", "Pensions", "Allowances", "Travel", "Hotels", "Flights",
    "Conferences", "Consultants", "Agency staff", "Legal costs", "Audit", "Risk",
    "Business continuity", "Major incidents", "Emergency planning", "Flooding",
    "Severe weather", "Royal visits", "Elections", "Festivals", "Sporting events",
    "Concerts", "Protest", "Counter-terrorism", "Organised crime", "Gangs",
    "Exploitation", "Cuckooing", "Antisocial driving", "Motorcycles", "HGVs",
    "Taxis", "Buses", "Railways", "Airports", "Ports", "Waterways", "Coastal policing",
    "Marine unit", "Search and rescue", "Forensics", "Biometrics", "DNA", "Fingerprints",
    "Body armour", "Batons", "PAVA spray", "Handcuffs", "Restraint", "Leg restraints",
    "Custody deaths", "Coroner", "Inquests", "Serious case reviews",
    "Domestic homicide reviews", "Multi-agency working", "MAPPA", "MARAC",
    "Sex offenders", "Registered sex offenders", "Harassment", "Stalking",
    "Online harms", "Social media", "Apps", "Website", "Email", "Telephony",
    "Freedom of Information",
]  # fmt: skip

# Rare keywords: each on a few disclosures only.
RARE_KEYWORDS = [
    "Badger baiting", "Bat roosts", "Egg collecting", "Raptor persecution", "Poaching",
    "Metal theft", "Heritage crime", "Lead theft", "Church roofs", "Dog theft",
    "Horse welfare", "Equine crime", "Quad bikes", "Off-road bikes", "Car cruises",
    "Street racing", "Noise nuisance", "Fireworks", "Bonfire night", "Halloween",
    "New Year's Eve", "Christmas", "Summer events", "Beaches", "Caravans",
    "Unauthorised encampments", "Travellers", "Squatting", "Evictions", "Bailiffs",
    "Debt collection", "Parking", "Clamping", "Pedicabs", "Rickshaws", "Tattoos",
    "Piercings", "Uniform policy", "Beards", "Headwear", "Religious dress", "Prayer rooms",
    "Chaplaincy", "Wellbeing dogs", "Gym", "Canteen", "Staff café", "Car parks",
    "Cycle to work", "Season tickets", "Relocation", "Housing allowance", "Second jobs",
    "Secondments", "Career breaks", "Menopause", "Maternity", "Paternity", "Childcare",
    "Flexible working", "Remote working", "Office furniture", "Artwork", "Plants",
    "Coffee machines", "Vending machines", "Water coolers", "Printers", "Paper",
    "Stationery", "Postage", "Couriers", "Shredding", "Archives", "Microfiche",
    "Pocket notebooks", "Tablets", "Smartwatches", "Headsets", "Satnav", "Dashcams",
    "Doorbell cameras", "Ring doorbells", "Smart speakers", "Gaming consoles",
    "Cryptocurrency", "NFTs", "Dark web", "Encrochat", "Sky ECC", "Pegasus spyware",
    "Stingrays", "IMSI catchers", "Drones detection", "Jammers", "Spit hoods",
    "Water cannon", "Baton rounds", "Tear gas", "Kettling", "Horses at protests",
    "Climate protests", "Animal rights", "Hunt saboteurs", "Anti-lockdown protests",
    "Vigils", "Statues", "Graffiti", "Banksy", "Street art", "Busking", "Begging",
    "Rough sleeping", "Homelessness", "Food banks", "Cost of living",
]  # fmt: skip

QUESTION_TEMPLATES = [
    "How many {subject} were recorded by the force in each of the last {n} years?",
    "Please provide the number of {subject} for each financial year from {fy1} to {fy2}.",
    "Please provide the total cost of {subject} in {year}, broken down by month.",
    "Please provide a copy of any policy, procedure or guidance relating to {subject}.",
    "How many officers and staff are trained in relation to {subject}?",
    "Please break down the figures for {subject} by age, gender and self-defined ethnicity.",
    "What was the total amount spent on {subject} in the financial year {fy1}?",
    "How many {subject} took place in {place} between {year} and {year2}?",
    "Please provide any internal reports or reviews about {subject} produced since {year}.",
    "Does the force record the outcome of {subject}? If so, please provide the outcomes.",
    "Please provide the number of complaints received about {subject} since {year}.",
    "Which companies supply the force in relation to {subject}, and what is the value of "
    "each contract?",
    "Please provide the minutes of any meeting at which {subject} was discussed in {year}.",
    "How many {subject} involved children under the age of 18?",
    "Please provide the equality impact assessment for {subject}.",
    "Please tell me how the force compares with other forces on {subject}.",
    "Please provide a breakdown of {subject} by policing area or district.",
    "How many {subject} were referred to the Crown Prosecution Service in {year}?",
    "Please provide the data protection impact assessment covering {subject}.",
    "What is the current budget for {subject}, and who is responsible for it?",
    "How many {subject} were recorded at or near {street}, {place}?",
    "Under Operation {operation}, how many {subject} were recorded?",
    "Please provide any correspondence with the Home Office about {subject} in {year}.",
    "Please provide the number of {subject} that involved {rare}.",
]

REQUEST_OPENINGS = [
    "Please could you tell me:",
    "Under the Freedom of Information Act 2000, please provide the following information.",
    "I would like to make a request under the Freedom of Information Act.",
    "Dear Freedom of Information Officer,",
    "I am researching {subject} and would be grateful for the following information.",
    "Please treat this as a request under the Freedom of Information Act 2000.",
    "This is a follow-up to my earlier request about {subject}.",
    "I am a journalist writing about {subject}. Please provide:",
    "As a student at {place} University, I am researching {subject}. Please provide:",
    "",
]

REQUEST_CLOSINGS = [
    "I would prefer to receive the information electronically, in a spreadsheet if possible.",
    "If this request is too wide, please advise me how I could narrow it.",
    "If any part of this request is refused, please provide the rest of the information.",
    "Please do not include any personal information.",
    "Thank you for your help.",
    "",
    "",
    "",
]

# The opening paragraph of a response, by outcome.
RESPONSE_OPENINGS = {
    "granted-in-full": [
        "Having located and considered the information relevant to your request, "
        "{authority} is able to disclose the following.",
        "Please find below the information requested.",
        "{authority} holds information relevant to your request, which is provided below.",
        "Thank you for your request. The information you asked for is set out below.",
    ],
    "granted-in-part": [
        "{authority} has located information relevant to your request. Some of it is "
        "provided below; the remainder is withheld under the exemptions explained in "
        "this letter, which serves as a refusal notice under Section 17(1) of the Act.",
        "Parts of your request are answered below. Other parts are refused, and the "
        "reasons are given after the figures.",
    ],
    "not-held": [
        "{authority} does not hold the information you have requested. Section 1(1)(a) "
        "of the Act requires a public authority to confirm whether it holds the "
        "information; this letter confirms that it is not held.",
        "Searches of the relevant systems found no recorded information falling within "
        "the scope of your request.",
        "The force does not record {subject} in a way that would allow this question to "
        "be answered, so the information is not held.",
    ],
    "refused": [
        "{authority} has located information relevant to your request, but it is "
        "withheld in full under the exemptions set out below. This letter serves as a "
        "refusal notice under Section 17(1) of the Act.",
        "The information you have requested is exempt from disclosure for the reasons "
        "explained below.",
    ],
    "refused-cost-limit": [
        "Section 12(1) of the Act allows a public authority to refuse a request where "
        "the cost of complying would exceed the appropriate limit, which for police "
        "forces is £450, or 18 hours of work.",
        "To answer your request the force would have to read each record of {subject} "
        "by hand, as the information is held in free text. This would exceed the cost "
        "limit, and Section 12 of the Act applies.",
    ],
    "refused-vexatious": [
        "Section 14(1) of the Act provides that a public authority is not obliged to "
        "comply with a request if the request is vexatious.",
        "This request is substantially similar to previous requests you have made, "
        "and Section 14(2) of the Act applies: the force is not obliged to comply with a "
        "repeated request.",
    ],
    "neither-confirm-nor-deny": [
        "{authority} can neither confirm nor deny that it holds the information you "
        "have requested, as the duty in Section 1(1)(a) of the Act does not apply by "
        "virtue of the exemptions below.",
        "To confirm or deny whether information is held about {subject} in {place} "
        "would itself disclose information that is exempt.",
    ],
}

# Figures, in the shapes forces answer with.
ANSWER_TEMPLATES = [
    "In {year} there were {n} {subject} recorded by the force.",
    "Year | {title} | Change\n{year} | {n} | -\n{year2} | {n2} | {pct}%",
    "The total cost in the financial year {fy1} was £{money}.",
    "Of these, {n2} took place in {place} and {n3} in the rest of the force area.",
    "The force currently has {n} {subject}.",
    "Figures are taken from the force's crime recording system on {date} and may "
    "change as investigations progress.",
    "{n} related to incidents at or near {street}, {place}.",
    "The figures include {n} cases recorded under Operation {operation}.",
    "The information includes {n} cases involving {rare}.",
    "There were {n} such incidents between {year} and {year2}, an average of {n2} a year.",
    "Expenditure: {fy1} £{money}; {fy2} £{money2}.",
    "A copy of the policy is attached. Parts that are published elsewhere are linked below.",
]

EXEMPTION_PARAGRAPHS = {
    "s40-2": "Section 40(2) – Personal information\nThe names and other details of "
    "individuals are personal data. Disclosure would breach the first data protection "
    "principle, and Section 40(2) is therefore engaged. It is an absolute exemption and "
    "no public interest test is required.",
    "s31-1-a": "Section 31(1)(a)(b) – Law enforcement\nDisclosure would be likely to "
    "prejudice the prevention or detection of crime and the apprehension or prosecution "
    "of offenders. The public interest in maintaining the exemption outweighs the "
    "public interest in disclosure.",
    "s30-1-a": "Section 30(1)(a) – Investigations\nThe information is held for the "
    "purposes of an investigation which the force has a duty to conduct. The public "
    "interest favours withholding it while proceedings are possible.",
    "s43-2": "Section 43(2) – Commercial interests\nDisclosure of pricing and contract "
    "terms would be likely to prejudice the commercial interests of the supplier and of "
    "the force in future procurement.",
    "s38-1-a": "Section 38(1)(a)(b) – Health and safety\nDisclosure would be likely to "
    "endanger the physical or mental health or the safety of individuals.",
    "s24-1": "Section 24(1) – National security\nThe information relates to capabilities "
    "whose disclosure would assist those who seek to harm the United Kingdom.",
    "s23-5": "Section 23(5) – Security bodies\nConfirming or denying whether information "
    "is held would itself reveal information relating to the security bodies.",
    "s21": "Section 21 – Information accessible by other means\nThe information is "
    "already published on the force website and data.police.uk.",
    "s22": "Section 22 – Information intended for future publication\nThe figures will "
    "be published in the force's annual report.",
    "s41-1": "Section 41(1) – Information provided in confidence\nThe information was "
    "provided to the force in confidence and disclosure would be an actionable breach "
    "of confidence.",
}

WITHDRAWN_REASONS = [
    "This response was withdrawn because it disclosed personal data in error.",
    "Withdrawn: the figures published were incorrect. A corrected response will follow.",
    "This disclosure was withdrawn following a review by the Information Commissioner.",
    "Withdrawn at the request of a third party while a complaint is considered.",
    "The attached spreadsheet contained information that should have been withheld.",
]

AUTHORITY = "Example Constabulary"

# Places, streets and operation names: the long tail of the vocabulary. Made from
# parts so that there are many of them, each rare.
_PLACE_STARTS = [
    "Ash", "Bar", "Beck", "Birch", "Black", "Brad", "Bram", "Brook", "Burn", "Cal",
    "Castle", "Chap", "Church", "Clay", "Cold", "Cran", "Crow", "Dal", "Dun", "East",
    "Elm", "Fair", "Far", "Fern", "Fox", "Glen", "Gold", "Hart", "Hawk", "Heath",
    "High", "Holm", "Kings", "Lang", "Lark", "Lea", "Lin", "Long", "Maple", "Meadow",
    "Mid", "Mill", "Moor", "Nether", "New", "North", "Oak", "Pen", "Red", "Ridge",
    "Ross", "Salt", "Sand", "Shep", "South", "Stan", "Stock", "Stone", "Sud", "Thorn",
    "Wen", "West", "Whit", "Wick", "Wil", "Wood", "Wrax", "Yar",
]  # fmt: skip
_PLACE_ENDS = [
    "bank", "borough", "bridge", "brook", "bury", "by", "caster", "combe", "cote",
    "dale", "don", "field", "ford", "gate", "ham", "hampton", "hurst", "ington", "ley",
    "mere", "minster", "mouth", "ness", "port", "stead", "stow", "thorpe", "ton",
    "wich", "worth",
]  # fmt: skip
_STREET_KINDS = ["Road", "Street", "Avenue", "Lane", "Close", "Drive", "Way", "Crescent"]
_OPERATIONS = [
    "Larkspur", "Kingfisher", "Nightjar", "Bluebell", "Foxglove", "Heron", "Sandpiper",
    "Curlew", "Bittern", "Merlin", "Kestrel", "Osprey", "Peregrine", "Goshawk", "Dunlin",
    "Plover", "Lapwing", "Redshank", "Wagtail", "Siskin", "Linnet", "Yellowhammer",
    "Bullfinch", "Chaffinch", "Goldcrest", "Firecrest", "Nuthatch", "Treecreeper",
    "Wryneck", "Hoopoe", "Avocet", "Shelduck", "Goldeneye", "Smew", "Eider", "Gannet",
    "Fulmar", "Puffin", "Guillemot", "Razorbill", "Kittiwake", "Skua", "Tern", "Petrel",
    "Shearwater", "Cormorant", "Shag", "Egret", "Spoonbill", "Crane", "Bustard", "Quail",
    "Partridge", "Grouse", "Ptarmigan", "Capercaillie", "Dotterel", "Whimbrel", "Godwit",
    "Knot", "Sanderling", "Stint", "Ruff", "Snipe", "Woodcock", "Turnstone", "Phalarope",
    "Sundew", "Campion", "Cowslip", "Primrose", "Speedwell", "Teasel", "Thistle",
    "Yarrow", "Tansy", "Vetch", "Samphire", "Sorrel", "Burdock", "Hawthorn", "Blackthorn",
    "Rowan", "Hornbeam", "Alder", "Aspen", "Juniper", "Yew", "Holly", "Ivy", "Bracken",
    "Heather", "Gorse", "Broom", "Meadowsweet", "Willowherb", "Celandine", "Anemone",
]  # fmt: skip
# Specialist words a few requests use.
_SPECIALIST = [
    "ketamine", "spice", "mamba", "fentanyl", "xylazine", "nitazenes", "cocaine",
    "heroin", "amphetamine", "MDMA", "cannabis", "khat", "steroids", "crossbows",
    "machetes", "zombie knives", "knuckledusters", "stun guns", "air rifles",
    "catapults", "blank firers", "ghost guns", "3D-printed firearms", "hovercraft",
    "gyrocopters", "microlights", "jet skis", "narrowboats", "lorries", "tractors",
    "quad bikes", "pedal cycles", "mobility scooters", "e-bikes", "motorhomes",
    "caravans", "horseboxes", "cryptocurrency", "bitcoin", "Telegram", "WhatsApp",
    "Snapchat", "TikTok", "Instagram", "Facebook", "Twitter", "Airbnb", "Uber",
    "Deliveroo", "Gumtree", "eBay", "Amazon", "Ring doorbells", "smart meters",
    "pacemakers", "defibrillators", "naloxone", "epipens", "insulin", "ventilators",
    "scaffolding", "asbestos", "legionella", "radon", "carbon monoxide", "lithium",
    "batteries", "solar panels", "heat pumps", "hydrogen", "biofuel", "pallets",
    "skips", "shipping containers", "polytunnels", "greenhouses", "allotments",
    "cemeteries", "crematoria", "mosques", "synagogues", "gurdwaras", "temples",
    "cathedrals", "chapels", "hospices", "care homes", "nurseries", "academies",
    "sixth forms", "pupil referral units", "foster carers", "children's homes",
    "hostels", "bail hostels", "night shelters", "soup kitchens", "launderettes",
    "nail bars", "barbers", "car washes", "takeaways", "kebab shops", "off-licences",
    "nightclubs", "casinos", "bookmakers", "arcades", "bingo halls", "saunas",
    "massage parlours", "tattoo studios", "pawnbrokers", "scrapyards", "garages",
    "petrol stations", "lay-bys", "underpasses", "footbridges", "towpaths", "marinas",
    "quarries", "reservoirs", "landfill", "sewage", "pylons", "wind turbines",
    "masts", "substations", "level crossings", "roundabouts", "speed humps",
    "bollards", "cattle grids", "stiles", "bridleways", "byways", "moorland",
    "woodland", "wetlands", "dunes", "cliffs", "estuaries", "saltmarsh",
]  # fmt: skip
# Misspellings the benchmark searches for: never put into the log by the typo maker, so
# that they are always unknown words that need a "did you mean" suggestion.
TEST_MISSPELLINGS = ("polcie", "infromation", "survelliance", "overtyme", "dronse")


def place_names() -> list[str]:
    return [start + end for start, end in itertools.product(_PLACE_STARTS, _PLACE_ENDS)]


def rare_terms(rng: random.Random) -> tuple[list[str], list[str], list[str], list[str]]:
    """(places, streets, operations or specialist terms), each shuffled so a term's
    frequency rank does not follow the alphabet."""
    places = place_names()
    rng.shuffle(places)
    streets = [
        f"{name} {kind}"
        for name, kind in zip(
            itertools.chain(_OPERATIONS, places[::7]),
            itertools.cycle(_STREET_KINDS),
            strict=False,
        )
    ]
    rng.shuffle(streets)
    operations = list(_OPERATIONS)
    rng.shuffle(operations)
    specialist = list(_SPECIALIST)
    rng.shuffle(specialist)
    return places, streets, operations, specialist


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9(])")


def mined_sentences() -> tuple[list[str], list[str]]:
    """(request sentences, response sentences) from the demo log: realistic phrasing."""
    rows = json.loads((ROOT / "fixtures" / "demo.json").read_text())
    requests: list[str] = []
    responses: list[str] = []
    for row in rows:
        if row["model"] != "disclosures.disclosure":
            continue
        fields = row["fields"]
        for text, into in (
            (fields["request_text"], requests),
            (fields["response_narrative"], responses),
        ):
            for paragraph in text.split("\n"):
                paragraph = paragraph.strip()
                if not paragraph:
                    continue
                # Tables stay whole; prose is split into sentences.
                pieces = [paragraph] if "|" in paragraph else _SENTENCE_END.split(paragraph)
                into.extend(p.strip() for p in pieces if len(p.strip()) > 12)
    # One copy of each, in a stable order.
    return list(dict.fromkeys(requests)), list(dict.fromkeys(responses))


def zipf_cumulative(count: int, exponent: float = 1.0, offset: float = 1.0) -> list[float]:
    """Cumulative weights for ranks 1..count, weight ∝ 1 / (rank + offset - 1) ** exponent."""
    return list(
        itertools.accumulate(1 / (rank + offset - 1) ** exponent for rank in range(1, count + 1))
    )


def typo(word: str, rng: random.Random) -> str:
    """A typing slip: two letters swapped, one dropped or one doubled."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        slip = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    elif kind == 1:
        slip = word[:i] + word[i + 1 :]
    else:
        slip = word[:i] + word[i] + word[i:]
    return word if slip.lower() in TEST_MISSPELLINGS else slip
