"""Demo CRM data: 50 Nordic and European companies with persons and projects, and the lists.

Deterministic (a seeded `random.Random`), so every demo installation looks the same and
the demo ERP can hold many of the same customers under the same numbers 10001–10050.
Loaded once: when any company exists, nothing is changed.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erpsync.crm import lists, service
from erpsync.crm.models import LIST_BUSINESS, Company
from erpsync.crm.schemas import CompanyCreate, PersonCreate, ProjectCreate

SEED = 20260101
Twins = Mapping[str, Mapping[str, str]]
FIRST_NUMBER = 10001

BUSINESSES = [
    ("manufacturing", "Manufacturing"),
    ("wholesale", "Wholesale"),
    ("retail", "Retail"),
    ("it", "IT and software"),
    ("consulting", "Consulting"),
    ("logistics", "Transport and logistics"),
    ("construction", "Construction"),
    ("food", "Food and beverage"),
    ("energy", "Energy"),
    ("health", "Healthcare"),
    ("finance", "Finance and accounting"),
    ("hospitality", "Hotels and events"),
]

# name, street, zip, city, country, business
COMPANIES = [
    ("Nordisk Verktyg AB", "Gamlestadsvägen 14", "415 02", "Göteborg", "SE", "manufacturing"),
    ("Bergström Bygg & Fastighet AB", "Kungsgatan 48", "753 21", "Uppsala", "SE", "construction"),
    ("Lindqvist Logistik AB", "Hamngatan 9", "553 16", "Jönköping", "SE", "logistics"),
    ("Solvik Livsmedel AB", "Industrigatan 3", "212 14", "Malmö", "SE", "food"),
    ("Kvarnholmen Konsult AB", "Birger Jarlsgatan 22", "114 34", "Stockholm", "SE", "consulting"),
    ("Ekdahl Elektronik AB", "Teknikringen 7", "583 30", "Linköping", "SE", "manufacturing"),
    ("Skärgårdens Båtvarv AB", "Varvsvägen 2", "761 41", "Norrtälje", "SE", "manufacturing"),
    ("Norrlands Trävaror AB", "Sågverksgatan 11", "852 38", "Sundsvall", "SE", "wholesale"),
    ("Västkustens Fisk AB", "Fiskhamnsgatan 6", "414 58", "Göteborg", "SE", "food"),
    ("Fjällgården Hotell AB", "Fjällgårdsvägen 1", "837 52", "Åre", "SE", "hospitality"),
    ("Sjöberg & Partners Revision AB", "Sveavägen 31", "111 34", "Stockholm", "SE", "finance"),
    ("Ljusdal Energi AB", "Kraftverksvägen 4", "827 32", "Ljusdal", "SE", "energy"),
    ("Mälardalens Maskin AB", "Stenbygatan 19", "721 30", "Västerås", "SE", "manufacturing"),
    ("Öresund Medicinteknik AB", "Scheelevägen 17", "223 63", "Lund", "SE", "health"),
    ("Granit Data AB", "Storgatan 52", "903 26", "Umeå", "SE", "it"),
    ("Hallands Grönsaker AB", "Laholmsvägen 88", "302 48", "Halmstad", "SE", "food"),
    ("Almgren Inredning AB", "Drottninggatan 12", "702 10", "Örebro", "SE", "retail"),
    ("Dalarnas Stål AB", "Hyttgatan 5", "781 71", "Borlänge", "SE", "manufacturing"),
    ("Kronan Kontorsvaror AB", "Slottsgatan 40", "602 22", "Norrköping", "SE", "wholesale"),
    ("Tornberg IT-Säkerhet AB", "Vasagatan 7", "111 20", "Stockholm", "SE", "it"),
    ("Gotlands Kalk AB", "Kalkbruksvägen 3", "621 41", "Visby", "SE", "construction"),
    ("Vättern Transport AB", "Hamnvägen 21", "591 35", "Motala", "SE", "logistics"),
    ("Björkhagen Tandvård AB", "Karlskronavägen 8", "121 52", "Stockholm", "SE", "health"),
    ("Skånska Solceller AB", "Bredgatan 15", "252 25", "Helsingborg", "SE", "energy"),
    ("Lundholm Textil AB", "Allégatan 26", "503 32", "Borås", "SE", "retail"),
    ("Ängelholms Kaffe AB", "Järnvägsgatan 4", "262 32", "Ängelholm", "SE", "food"),
    ("Brandt Arkitekter AB", "Götgatan 36", "118 26", "Stockholm", "SE", "consulting"),
    ("Karlstad Papper AB", "Pappersbruksvägen 9", "652 21", "Karlstad", "SE", "manufacturing"),
    ("Vinterviken Event AB", "Hornsgatan 120", "117 28", "Stockholm", "SE", "hospitality"),
    ("Hedlund Verkstäder AB", "Verkstadsgatan 2", "802 83", "Gävle", "SE", "manufacturing"),
    ("Fjordlys Marine AS", "Strandkaien 18", "5013", "Bergen", "NO", "manufacturing"),
    ("Nordlys Rørleggerservice AS", "Storgata 71", "9008", "Tromsø", "NO", "construction"),
    ("Haugen Trelast AS", "Sluppenveien 12", "7037", "Trondheim", "NO", "wholesale"),
    ("Oslo Datasenter AS", "Grensen 5", "0159", "Oslo", "NO", "it"),
    ("Stavanger Offshore Service AS", "Forusbeen 35", "4033", "Stavanger", "NO", "energy"),
    ("Søndergaard Møbler A/S", "Søndergade 44", "8000", "Aarhus", "DK", "retail"),
    ("Jyllands Mejeri A/S", "Mejerivej 3", "7400", "Herning", "DK", "food"),
    ("Nørrebro Designstudio ApS", "Jagtvej 113", "2200", "København", "DK", "consulting"),
    ("Vestkyst Vindteknik A/S", "Havnegade 20", "6700", "Esbjerg", "DK", "energy"),
    ("Fyns Emballage A/S", "Middelfartvej 77", "5200", "Odense", "DK", "manufacturing"),
    ("Järvinen Metalli Oy", "Hatanpään valtatie 24", "33100", "Tampere", "FI", "manufacturing"),
    ("Saimaan Puutuote Oy", "Kauppakatu 31", "53100", "Lappeenranta", "FI", "wholesale"),
    ("Kallio Ohjelmisto Oy", "Fleminginkatu 8", "00530", "Helsinki", "FI", "it"),
    ("Oulun Logistiikka Oy", "Satamatie 9", "90520", "Oulu", "FI", "logistics"),
    ("Hansen Maschinenbau GmbH", "Billstraße 80", "20539", "Hamburg", "DE", "manufacturing"),
    ("Bäckerei Krüger GmbH", "Bergmannstraße 5", "10961", "Berlin", "DE", "food"),
    ("Rheinland Medizintechnik GmbH", "Aachener Straße 210", "50931", "Köln", "DE", "health"),
    ("Thornfield Engineering Ltd", "12 Trafford Road", "M17 1AB", "Manchester", "GB", "consulting"),
    (
        "Van der Berg Logistiek B.V.",
        "Waalhaven Oostzijde 60",
        "3087 BM",
        "Rotterdam",
        "NL",
        "logistics",
    ),
    ("Tallinna Tarkvara OÜ", "Narva maantee 7", "10117", "Tallinn", "EE", "it"),
]


@dataclass(frozen=True)
class Country:
    currency: str
    phone_prefix: str
    domain: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES = {
    "SE": Country(
        "SEK",
        "+46",
        "se",
        (
            "Anna",
            "Erik",
            "Maria",
            "Lars",
            "Karin",
            "Johan",
            "Sara",
            "Anders",
            "Emma",
            "Per",
            "Elin",
            "Mikael",
            "Linnea",
            "Fredrik",
        ),
        (
            "Andersson",
            "Johansson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Olsson",
            "Persson",
            "Svensson",
            "Gustafsson",
            "Lindberg",
            "Holm",
            "Ek",
        ),
    ),
    "NO": Country(
        "NOK",
        "+47",
        "no",
        ("Ingrid", "Ole", "Kari", "Lars", "Silje", "Magnus"),
        ("Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen"),
    ),
    "DK": Country(
        "DKK",
        "+45",
        "dk",
        ("Mette", "Søren", "Line", "Jens", "Camilla", "Rasmus"),
        ("Jensen", "Nielsen", "Hansen", "Pedersen", "Møller", "Kristensen"),
    ),
    "FI": Country(
        "EUR",
        "+358",
        "fi",
        ("Aino", "Mikko", "Liisa", "Juha", "Sanna", "Timo"),
        ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Heikkinen", "Koskinen"),
    ),
    "DE": Country(
        "EUR",
        "+49",
        "de",
        ("Julia", "Thomas", "Katrin", "Stefan", "Anja", "Jan"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"),
    ),
    "GB": Country(
        "GBP",
        "+44",
        "co.uk",
        ("Emily", "James", "Sophie", "Oliver", "Hannah"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson"),
    ),
    "NL": Country(
        "EUR",
        "+31",
        "nl",
        ("Sanne", "Daan", "Lotte", "Bram"),
        ("de Jong", "Jansen", "Visser", "Bakker"),
    ),
    "EE": Country(
        "EUR", "+372", "ee", ("Kadri", "Andres", "Liis", "Margus"), ("Tamm", "Saar", "Sepp", "Kask")
    ),
}

TITLES = (
    "CEO",
    "CFO",
    "Purchasing manager",
    "Sales manager",
    "Accountant",
    "IT manager",
    "Project manager",
    "Logistics coordinator",
    "Office manager",
)
CATEGORIES = ("customer", "supplier", "partner", "prospect")
CATEGORY_WEIGHTS = (70, 14, 8, 8)
PROJECTS = (
    "ERP integration",
    "Website relaunch",
    "Warehouse automation",
    "Service agreement",
    "Solar installation",
    "Office move",
    "CRM rollout",
    "Spare parts framework",
    "Cold-chain upgrade",
    "Staff training",
    "Machine upgrade",
    "Annual audit",
    "Fleet renewal",
    "Packaging redesign",
    "Network security review",
)
STATUSES = ("planned", "in_progress", "in_progress", "on_hold", "completed", "cancelled")
SUFFIXES = (" AB", " AS", " A/S", " ApS", " Oy", " GmbH", " Ltd", " B.V.", " OÜ")


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _domain(name: str, country: Country) -> str:
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    words = _ascii(name).lower().replace("&", " ").replace("-", " ").split()
    host = ""
    for count, word in enumerate(words, start=1):
        host += word
        if count >= 2 and len(host) >= 8:
            break
    return f"{host}.{country.domain}"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _org_no(rng: random.Random, country: str) -> str:
    if country == "SE":
        body = "556" + _digits(rng, 6)
        return f"{body[:6]}-{body[6:]}{_luhn_digit(body)}"
    if country == "NO":
        return "9" + _digits(rng, 8)
    if country == "DK":
        return _digits(rng, 8)
    if country == "FI":
        return f"{_digits(rng, 7)}-{_digits(rng, 1)}"
    return country + _digits(rng, 9)


def _phone(rng: random.Random, country: Country) -> str:
    return (
        f"{country.phone_prefix} {rng.randrange(10, 99)} {_digits(rng, 3)} {_digits(rng, 2)} "
        f"{_digits(rng, 2)}"
    )


def _companies(session: Session, rng: random.Random, twins: Twins) -> list[Company]:
    created = []
    for offset, (name, street, zip_code, city, code, business) in enumerate(COMPANIES):
        country = COUNTRIES[code]
        domain = _domain(name, country)
        number = str(FIRST_NUMBER + offset)
        # Drawn whether or not a twin overrides them, so the rest stays the same.
        identity = {"org_no": _org_no(rng, code), "phone": _phone(rng, country)}
        identity.update(twins.get(number, {}))
        data = CompanyCreate(
            name=name,
            number=number,
            org_no=identity["org_no"],
            phone=identity["phone"],
            email=f"info@{domain}",
            web=f"https://www.{domain}",
            street=street,
            zip=zip_code,
            city=city,
            country=code,
            currency=country.currency,
            category=rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
            business=business,
        )
        created.append(service.create_company(session, data))
    return created


def _persons(session: Session, rng: random.Random, company: Company, code: str) -> int:
    country = COUNTRIES[code]
    count = rng.randint(1, 4)
    titles = rng.sample(TITLES, count)
    domain = (company.email or "@example.com").split("@", 1)[1]
    for title in titles:
        first, last = rng.choice(country.first_names), rng.choice(country.last_names)
        email = f"{_ascii(first)}.{_ascii(last)}@{domain}".lower().replace(" ", "")
        service.create_person(
            session,
            PersonCreate(
                company_id=company.id,
                first_name=first,
                last_name=last,
                title=title,
                email=email,
                phone=company.phone,
                mobile=_phone(rng, country),
            ),
        )
    return count


def _projects(session: Session, rng: random.Random, companies: list[Company]) -> int:
    customers = [c for c in companies if c.category and c.category.code == "customer"]
    chosen = sorted(rng.sample(customers, min(30, len(customers))), key=lambda c: c.id)
    for index, company in enumerate(chosen, start=1):
        service.create_project(
            session,
            ProjectCreate(
                name=f"{rng.choice(PROJECTS)} – {company.name}",
                number=f"P-2026-{index:03d}",
                status=rng.choice(STATUSES),
                company_id=company.id,
            ),
        )
    return len(chosen)


def load_demo_crm(session: Session, twins: Twins | None = None) -> int:
    """Load the demo CRM once; returns the number of companies created (0 if present).

    `twins`: values by company number that an ERP holding the same companies has
    (org. number, phone), taken over so both sides agree from the start."""
    if session.scalar(select(func.count()).select_from(Company)):
        return 0
    rng = random.Random(SEED)
    lists.ensure_standard_lists(session)
    lists.ensure_items(session, LIST_BUSINESS, BUSINESSES)
    companies = _companies(session, rng, twins or {})
    for company, row in zip(companies, COMPANIES, strict=True):
        _persons(session, rng, company, row[4])
    _projects(session, rng, companies)
    return len(companies)
