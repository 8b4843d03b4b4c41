"""What the Tryton connector offers: its configuration fields, the fields of parties,
persons and projects, and where each flattened field lives in Tryton.

A party's fields come from three Tryton models: `party.party` (name, code), its first
address `party.address` (street, postal code, city, country) and its first active
contact mechanism of each type `party.contact_mechanism` (email, phone, website). A
person is a party with the configured relation to its company (`party.relation`); a
project is a `project.work` of type project.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpsync.sdk import Access, Field, FieldType

COUNTRIES = "countries"
CURRENCIES = "currencies"
CATEGORIES = "party_categories"
PAYMENT_TERMS = "payment_terms"
PROJECT_STATUSES = "project_statuses"

#: List name → (Tryton model, code field or None, module that must be activated).
LIST_MODELS: dict[str, tuple[str, str | None, str]] = {
    COUNTRIES: ("country.country", "code", "country"),
    CURRENCIES: ("currency.currency", "code", "currency"),
    CATEGORIES: ("party.category", None, "party"),
    PAYMENT_TERMS: ("account.invoice.payment_term", None, "account_invoice"),
    PROJECT_STATUSES: ("project.work.status", None, "project"),
}

CONFIG_FIELDS: tuple[Field, ...] = (
    Field(
        "url",
        "Server URL",
        access=Access.MANDATORY,
        description="Address of the Tryton server, e.g. http://erp.example.com:8000.",
        rank=1,
    ),
    Field("database", "Database", access=Access.MANDATORY, rank=2),
    Field("user", "User", access=Access.MANDATORY, default="admin", rank=3),
    Field("password", "Password", FieldType.PASSWORD, rank=4),
    Field(
        "customer_categories",
        "Customer categories",
        default="Customer",
        description="Comma-separated names of the party categories that make a party a "
        "customer. New customers get the first one.",
        rank=5,
    ),
    Field(
        "all_parties_customers",
        "All parties are customers",
        FieldType.CHECKBOX,
        default=False,
        description="Ignore the customer categories: every party is a customer.",
        rank=6,
    ),
    Field(
        "supplier_categories",
        "Supplier categories",
        default="Supplier",
        description="Comma-separated names of the party categories that make a party a "
        "supplier; leave empty to offer no suppliers.",
        rank=7,
    ),
    Field(
        "overlap_seconds",
        "Overlap window (seconds)",
        FieldType.INTEGER,
        default=300,
        description="Changes this much older than the last one seen are read again, so "
        "transactions that commit late are never missed.",
        rank=8,
    ),
    Field("batch_size", "Batch size", FieldType.INTEGER, default=500, rank=9),
    Field(
        "person_relation",
        "Person relation type",
        default="Employee of",
        description="The party relation type (module party_relationship) that makes a "
        "party a person working for the related customer or supplier; leave empty to "
        "offer no persons.",
        rank=10,
    ),
    Field(
        "project_closed_statuses",
        "Project statuses meaning closed",
        default="",
        description="Comma-separated names of project statuses whose projects count as "
        "deleted (Tryton deletes projects outright, which the change stream cannot see).",
        rank=11,
    ),
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a flattened party field lives: on the party, its first address, or its first
    contact mechanism of `mechanism` type."""

    source: str  # "party", "address" or "mechanism"
    name: str  # Tryton field name (or mechanism type)


PARTY_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", access=Access.MANDATORY, rank=1),
    Field(
        "code",
        "Party code",
        access=Access.READ_ONLY,
        description="Given by Tryton's party sequence.",
        rank=2,
    ),
    Field("street", "Street", rank=3),
    Field("postal_code", "Zip code", rank=4),
    Field("city", "City", rank=5),
    Field("country", "Country", FieldType.LIST, list_name=COUNTRIES, rank=6),
    Field("email", "Email", rank=7),
    Field("phone", "Phone", rank=8),
    Field("website", "Website", rank=9),
)

PLACES: dict[str, Place] = {
    "name": Place("party", "name"),
    "code": Place("party", "code"),
    "street": Place("address", "street"),
    "postal_code": Place("address", "postal_code"),
    "city": Place("address", "city"),
    "country": Place("address", "country"),
    "email": Place("mechanism", "email"),
    "phone": Place("mechanism", "phone"),
    "website": Place("mechanism", "website"),
}

PARTY_SEARCHABLE: tuple[str, ...] = (
    "name",
    "code",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
)

#: The Tryton domain path that holds a superset of each searchable field's matches
#: (any address or mechanism matches there; the connector then checks the first one).
SEARCH_PATHS: dict[str, str] = {
    "name": "name",
    "code": "code",
    "postal_code": "addresses.postal_code",
    "city": "addresses.city",
    "country": "addresses.country",
}

PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", access=Access.MANDATORY, rank=1),
    Field("email", "Email", rank=2),
    Field("phone", "Phone", rank=3),
)
PERSON_SEARCHABLE: tuple[str, ...] = ("name", "email", "phone")

PROJECT_FIELDS: tuple[Field, ...] = (
    Field("name", "Name", access=Access.MANDATORY, rank=1),
    Field(
        "number",
        "Project number",
        access=Access.READ_ONLY,
        description="Given by Tryton's work sequence.",
        rank=2,
    ),
    Field("status", "Status", FieldType.LIST, list_name=PROJECT_STATUSES, rank=3),
    Field("comment", "Comment", rank=4),
)
PROJECT_SEARCHABLE: tuple[str, ...] = ("name", "number", "status")
