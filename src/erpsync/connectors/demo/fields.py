"""What the demo ERP offers: actor types, their fields and tables, and the lists.

Customers, suppliers and partners share one `company` table told apart by `kind`
(as many real ERPs do); persons hang under a company, projects under a customer.
Field keys equal column names, except `number`, which is the key shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from erpsync.sdk import Access, ActorType, Field, FieldType

COUNTRIES = "countries"
CURRENCIES = "currencies"
PAYMENT_TERMS = "payment_terms"
CUSTOMER_GROUPS = "customer_groups"
PROJECT_STATUSES = "project_statuses"
LIST_NAMES = [COUNTRIES, CURRENCIES, PAYMENT_TERMS, CUSTOMER_GROUPS, PROJECT_STATUSES]

RO = Access.READ_ONLY
MANDATORY = Access.MANDATORY


def _f(
    key: str,
    name: str,
    kind: FieldType = FieldType.TEXT,
    *,
    access: Access = Access.NORMAL,
    list_name: str | None = None,
    max_length: int | None = None,
    description: str = "",
) -> Field:
    return Field(
        key=key,
        display_name=name,
        type=kind,
        description=description,
        list_name=list_name,
        max_length=max_length,
        access=access,
    )


NUMBER = _f("number", "Number", access=RO, description="The ERP's number; given by the ERP.")
MODIFIED = _f("modified_at", "Last modified", FieldType.DATETIME, access=RO)

_COMPANY_HEAD = [
    NUMBER,
    _f("name", "Name", access=MANDATORY, max_length=80),
    _f("org_no", "Organisation number", max_length=20),
    _f("vat_no", "VAT number", max_length=20),
    _f("address1", "Address line 1", max_length=60),
    _f("address2", "Address line 2", max_length=60),
    _f("zip", "Postal code", max_length=12),
    _f("city", "City", max_length=40),
    _f("country", "Country", FieldType.LIST, list_name=COUNTRIES),
    _f("phone", "Phone", max_length=30),
    _f("email", "E-mail", max_length=80),
    _f("web", "Web site", max_length=80),
    _f("currency", "Currency", FieldType.LIST, list_name=CURRENCIES),
    _f("payment_terms", "Payment terms", FieldType.LIST, list_name=PAYMENT_TERMS),
]
_COMPANY_TAIL = [
    _f("employees", "Employees", FieldType.INTEGER),
    _f("blocked", "Blocked", FieldType.CHECKBOX, description="No new orders while blocked."),
    _f("founded", "Founded", FieldType.DATE),
    _f("notes", "Notes", max_length=2000),
    MODIFIED,
]
CUSTOMER_ONLY = [
    _f("customer_group", "Customer group", FieldType.LIST, list_name=CUSTOMER_GROUPS),
    _f("credit_limit", "Credit limit", FieldType.DECIMAL, description="In the currency."),
    _f("discount", "Discount %", FieldType.DOUBLE),
]
SUPPLIER_ONLY = [_f("bank_account", "Bank account", max_length=34)]


def _ranked(fields: list[Field]) -> list[Field]:
    return [replace(field, rank=(index + 1) * 10) for index, field in enumerate(fields)]


@dataclass(frozen=True)
class TableSpec:
    """Where an actor type lives in the demo database."""

    actor_type: ActorType
    table: str
    kind: str | None  # company.kind, or None for tables of one type
    first_number: int
    fields: list[Field]
    searchable: list[str]
    parent_types: tuple[ActorType, ...] = ()

    @property
    def field_map(self) -> dict[str, Field]:
        return {field.key: field for field in self.fields}


_COMPANY_SEARCH = ["number", "name", "org_no", "city", "zip", "phone", "email", "country"]
_COMPANY_SEARCH_MORE = ["currency", "employees", "blocked", "founded", "modified_at"]

SPECS: dict[ActorType, TableSpec] = {
    ActorType.CUSTOMER: TableSpec(
        ActorType.CUSTOMER,
        "company",
        "customer",
        10001,
        _ranked(_COMPANY_HEAD + CUSTOMER_ONLY + _COMPANY_TAIL),
        [*_COMPANY_SEARCH, *_COMPANY_SEARCH_MORE, "customer_group", "credit_limit", "discount"],
    ),
    ActorType.SUPPLIER: TableSpec(
        ActorType.SUPPLIER,
        "company",
        "supplier",
        20001,
        _ranked(_COMPANY_HEAD + SUPPLIER_ONLY + _COMPANY_TAIL),
        [*_COMPANY_SEARCH, *_COMPANY_SEARCH_MORE],
    ),
    ActorType.PARTNER: TableSpec(
        ActorType.PARTNER,
        "company",
        "partner",
        30001,
        _ranked(_COMPANY_HEAD + _COMPANY_TAIL),
        [*_COMPANY_SEARCH, *_COMPANY_SEARCH_MORE],
    ),
    ActorType.PERSON: TableSpec(
        ActorType.PERSON,
        "person",
        None,
        40001,
        _ranked(
            [
                NUMBER,
                _f("first_name", "First name", access=MANDATORY, max_length=40),
                _f("last_name", "Last name", access=MANDATORY, max_length=40),
                _f("title", "Title", max_length=60),
                _f("email", "E-mail", max_length=80),
                _f("phone", "Phone", max_length=30),
                _f("mobile", "Mobile", max_length=30),
                MODIFIED,
            ]
        ),
        ["number", "first_name", "last_name", "email", "phone", "modified_at"],
        (ActorType.CUSTOMER, ActorType.SUPPLIER, ActorType.PARTNER),
    ),
    ActorType.PROJECT: TableSpec(
        ActorType.PROJECT,
        "project",
        None,
        60001,
        _ranked(
            [
                NUMBER,
                _f("name", "Name", access=MANDATORY, max_length=80),
                _f("status", "Status", FieldType.LIST, list_name=PROJECT_STATUSES),
                _f("start_date", "Start", FieldType.DATE),
                _f("end_date", "End", FieldType.DATE),
                _f("budget", "Budget", FieldType.DECIMAL),
                _f("billable", "Billable", FieldType.CHECKBOX),
                _f("hours_estimate", "Estimated hours", FieldType.INTEGER),
                MODIFIED,
            ]
        ),
        [
            "number",
            "name",
            "status",
            "start_date",
            "end_date",
            "budget",
            "billable",
            "hours_estimate",
            "modified_at",
        ],
        (ActorType.CUSTOMER,),
    ),
}

KIND_TO_TYPE = {spec.kind: spec.actor_type for spec in SPECS.values() if spec.kind}
TYPE_TO_KIND = {actor_type: kind for kind, actor_type in KIND_TO_TYPE.items()}

CONFIG_FIELDS = [
    _f(
        "database",
        "Database file",
        access=MANDATORY,
        description="Path of the demo ERP's SQLite file; create one with "
        "`erpsync demo erp init PATH`.",
    ),
    _f(
        "access_key",
        "Access key",
        FieldType.PASSWORD,
        description="Only needed when the demo ERP was created with --access-key.",
    ),
    Field(
        "batch_size",
        "Batch size",
        FieldType.INTEGER,
        description="Actors per batch of the change stream.",
        default=500,
    ),
    _f(
        "about",
        "About",
        FieldType.LABEL,
        description="The demo ERP is a small ERP in one SQLite file, for trying erpsync out.",
    ),
]
