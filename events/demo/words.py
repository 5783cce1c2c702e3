"""The words ``events.demo`` builds demo events from: a topic per objective, titles and descriptions
per kind, and venues with their time zones per region."""

from dataclasses import dataclass

# A data module: rows of values read better than the formatter's one value per line.
# fmt: off

TOPICS: dict[str, tuple[str, ...]] = {
    "1": (
        "migration data for evidence-based policy", "disaggregated migration statistics",
        "data on migrant deaths and disappearances",
    ),
    "2": (
        "climate change and human mobility", "minimizing adverse drivers of migration",
        "disaster displacement",
    ),
    "3": (
        "accurate information at every stage of migration", "pre-departure orientation",
        "countering misinformation on migration",
    ),
    "4": (
        "legal identity for migrants", "consular documentation",
        "civil registration and statelessness",
    ),
    "5": (
        "regular pathways for labour mobility", "family reunification",
        "humanitarian visas and pathways",
    ),
    "6": (
        "fair and ethical recruitment", "decent work for migrant workers",
        "recruitment fees and related costs",
    ),
    "7": (
        "reducing vulnerabilities in migration", "migrant children and unaccompanied minors",
        "gender-responsive migration policy",
    ),
    "8": (
        "search and rescue and saving lives", "missing migrants",
        "humanitarian assistance at sea",
    ),
    "9": (
        "countering migrant smuggling", "protection of smuggled migrants",
        "cross-border cooperation against smuggling",
    ),
    "10": (
        "eradicating trafficking in persons", "victim identification and referral",
        "trafficking in supply chains",
    ),
    "11": (
        "integrated border management", "human rights at borders",
        "border governance and cooperation",
    ),
    "12": (
        "screening, assessment and referral", "identifying vulnerable migrants",
        "referral mechanisms",
    ),
    "13": (
        "alternatives to immigration detention", "community-based case management",
        "ending child immigration detention",
    ),
    "14": (
        "consular protection and assistance", "consular cooperation",
        "assistance to nationals abroad",
    ),
    "15": (
        "access to basic services for migrants", "health care for migrants",
        "education for migrant children",
    ),
    "16": (
        "inclusion and social cohesion", "local integration policies",
        "cities and migrant inclusion",
    ),
    "17": (
        "eliminating discrimination", "countering xenophobia and hate speech",
        "evidence-based public discourse on migration",
    ),
    "18": (
        "skills development and recognition", "skills partnerships",
        "recognition of qualifications",
    ),
    "19": (
        "diaspora engagement for development", "migrant entrepreneurship",
        "diaspora investment",
    ),
    "20": (
        "cheaper, safer and faster remittances", "digital remittances",
        "financial inclusion of migrants",
    ),
    "21": (
        "dignified return and sustainable reintegration", "reintegration assistance",
        "return cooperation",
    ),
    "22": (
        "portability of social security", "social protection for migrant workers",
        "bilateral social security agreements",
    ),
    "23": (
        "international cooperation on migration", "regional migration processes",
        "GCM implementation and review",
    ),
    "general": (
        "implementing the Global Compact for Migration", "whole-of-society approaches to migration",
        "the GCM review process",
    ),
}

AUDIENCES = (
    "labour inspectors", "consular officers", "border officials", "local authorities", "civil society organizations",
    "national statistics offices", "trade unions", "employers and recruiters", "parliamentarians", "journalists",
)

EVENT_FORMATS = (
    "Regional consultation on {topic}", "Multi-stakeholder dialogue on {topic}", "Regional review meeting: {topic}",
    "Policy forum on {topic}", "Expert group meeting on {topic}",
)

DESCRIPTIONS: dict[str, str] = {
    "talk": (
        "A GCM Talk with practitioners and policy makers on {topic}. The speakers share what has worked, "
        "what has not, and what they would do differently, followed by questions from the audience.\n\n"
        "Interpretation is available in English, French and Spanish."
    ),
    "training": (
        "A practical training on {topic} for {audience}. Participants work through case studies and leave "
        "with tools they can apply in their daily work.\n\n"
        "**Who should attend:** {audience} and their partners.\n\n"
        "Places are limited; please answer only if you can attend the whole session."
    ),
    "webinar": (
        "An online webinar on {topic}, with a short presentation of recent evidence and a moderated discussion.\n\n"
        "The recording will be shared with everyone who registers."
    ),
    "event": (
        "Governments, UN agencies, civil society, the private sector and migrants' associations meet to take "
        "stock of progress on {topic} and agree on next steps.\n\n"
        "The agenda and background documents will be shared with registered participants."
    ),
}


@dataclass(frozen=True)
class Venue:
    city: str
    place: str
    timezone: str


VENUES: dict[str, tuple[Venue, ...]] = {
    "africa": (
        Venue("Nairobi", "UN Gigiri Complex, Nairobi", "Africa/Nairobi"),
        Venue("Dakar", "Hôtel de ville, Dakar", "Africa/Dakar"),
        Venue("Addis Ababa", "African Union Conference Centre, Addis Ababa", "Africa/Addis_Ababa"),
        Venue("Pretoria", "Sheraton Pretoria", "Africa/Johannesburg"),
        Venue("Cairo", "Cairo International Convention Centre", "Africa/Cairo"),
        Venue("Abuja", "ECOWAS Commission, Abuja", "Africa/Lagos"),
    ),
    "americas": (
        Venue("New York", "United Nations Headquarters, New York", "America/New_York"),
        Venue("Bogotá", "Centro de Convenciones Ágora, Bogotá", "America/Bogota"),
        Venue("Mexico City", "Secretaría de Relaciones Exteriores, Mexico City", "America/Mexico_City"),
        Venue("Santiago", "CEPAL, Santiago", "America/Santiago"),
        Venue("Guatemala City", "Ministerio de Relaciones Exteriores, Guatemala City", "America/Guatemala"),
        Venue("São Paulo", "Memorial da América Latina, São Paulo", "America/Sao_Paulo"),
    ),
    "asia": (
        Venue("Bangkok", "UN Conference Centre, Bangkok", "Asia/Bangkok"),
        Venue("Manila", "Philippine International Convention Center, Manila", "Asia/Manila"),
        Venue("Dhaka", "Bangabandhu International Conference Center, Dhaka", "Asia/Dhaka"),
        Venue("Kathmandu", "Hotel Yak & Yeti, Kathmandu", "Asia/Kathmandu"),
        Venue("Amman", "Landmark Hotel, Amman", "Asia/Amman"),
        Venue("Jakarta", "ASEAN Secretariat, Jakarta", "Asia/Jakarta"),
    ),
    "europe": (
        Venue("Geneva", "Palais des Nations, Geneva", "Europe/Zurich"),
        Venue("Brussels", "Résidence Palace, Brussels", "Europe/Brussels"),
        Venue("Vienna", "Vienna International Centre", "Europe/Vienna"),
        Venue("Rome", "FAO Headquarters, Rome", "Europe/Rome"),
        Venue("Berlin", "Auswärtiges Amt, Berlin", "Europe/Berlin"),
    ),
    "oceania": (
        Venue("Suva", "Pacific Islands Forum Secretariat, Suva", "Pacific/Fiji"),
        Venue("Sydney", "International Convention Centre, Sydney", "Australia/Sydney"),
        Venue("Auckland", "Aotea Centre, Auckland", "Pacific/Auckland"),
        Venue("Port Moresby", "APEC Haus, Port Moresby", "Pacific/Port_Moresby"),
    ),
}
