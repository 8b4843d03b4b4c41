"""Automap (R-MAP-2): propose CRM fields for ERP fields by meaning, in English and
Swedish names, each with its reason; proposals come with direction `none`."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from erpsync.mapping import service, transform
from erpsync.mapping.crm_fields import CrmField, fields_of
from erpsync.mapping.erp import ErpMeta
from erpsync.mapping.schemas import FieldMappingIn, Proposal
from erpsync.sdk.model import Field

#: CRM field key → names that mean it (normalised: lower case, words split by spaces).
MEANINGS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "namn",
        "company name",
        "företagsnamn",
        "customer name",
        "kundnamn",
        "project name",
        "projektnamn",
        "supplier name",
        "leverantörsnamn",
    ),
    "number": (
        "number",
        "no",
        "nr",
        "nummer",
        "code",
        "kod",
        "customer number",
        "kundnummer",
        "kundnr",
        "supplier number",
        "leverantörsnummer",
        "project number",
        "projektnummer",
        "account number",
        "id",
    ),
    "org_no": (
        "org no",
        "orgno",
        "org nr",
        "orgnr",
        "organisation number",
        "organization number",
        "organisationsnummer",
        "vat",
        "vat no",
        "vat number",
        "momsnr",
        "momsregistreringsnummer",
        "corporate id",
        "company id",
    ),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "telefon",
        "phone number",
        "telefonnummer",
        "telnr",
        "växel",
    ),
    "mobile": (
        "mobile",
        "mobile phone",
        "cell",
        "cellphone",
        "cell phone",
        "mobil",
        "mobiltelefon",
        "mobilnummer",
    ),
    "email": ("email", "mail", "email address", "epost", "epostadress", "mejl"),
    "web": (
        "web",
        "website",
        "web site",
        "homepage",
        "home page",
        "url",
        "www",
        "webb",
        "webbplats",
        "hemsida",
        "webbadress",
    ),
    "street": (
        "street",
        "address",
        "address1",
        "address 1",
        "address line 1",
        "street address",
        "adress",
        "adress 1",
        "adressrad 1",
        "gatuadress",
        "utdelningsadress",
        "gata",
    ),
    "zip": (
        "zip",
        "zip code",
        "zipcode",
        "postal code",
        "postcode",
        "post code",
        "postnummer",
        "postnr",
    ),
    "city": ("city", "town", "ort", "stad", "postort"),
    "country": ("country", "land", "country code", "landskod"),
    "currency": ("currency", "valuta", "currency code", "valutakod"),
    "category": ("category", "kategori", "kundkategori"),
    "business": ("business", "industry", "bransch", "sector", "sektor"),
    "first_name": ("first name", "firstname", "given name", "förnamn"),
    "last_name": ("last name", "lastname", "surname", "family name", "efternamn"),
    "title": ("title", "job title", "titel", "befattning", "yrkesroll"),
    "status": ("status", "state", "project status", "projektstatus"),
    "active": ("active", "aktiv"),
}
PREFIXES = (
    "customer",
    "kund",
    "company",
    "företag",
    "supplier",
    "leverantör",
    "person",
    "contact",
    "kontakt",
    "project",
    "projekt",
    "partner",
)


def normalised(text: str) -> str:
    """Lower case, `_` and `-` as word breaks, other punctuation dropped."""
    text = text.lower().replace("_", " ")
    text = re.sub(r"(?<=[a-zåäö])-(?=[a-zåäö])", "", text)  # e-mail → email, e-post → epost
    return " ".join(re.sub(r"[^\w ]", " ", text).split())


def _meaning(erp: Field, crm: CrmField) -> str | None:
    names = (*MEANINGS.get(crm.key, ()), normalised(crm.key), normalised(crm.label))
    for source, text in (("key", erp.key), ("name", erp.display_name)):
        said = normalised(text)
        if said in names:
            return f"the ERP field's {source} '{text}' means '{crm.label}'"
        for prefix in PREFIXES:
            rest = said.removeprefix(prefix + " ") if said.startswith(prefix + " ") else None
            if rest in names:
                return f"the ERP field's {source} '{text}' means '{crm.label}' of the {prefix}"
    return None


def propose(
    fields: list[Field], crm_fields: tuple[CrmField, ...], taken_erp: set[str], taken_crm: set[str]
) -> list[Proposal]:
    """Pairs by meaning among fields not yet mapped; each side used once, ERP rank order."""
    found: list[Proposal] = []
    used = set(taken_crm)
    for erp in sorted(fields, key=lambda f: f.rank):
        if erp.key in taken_erp:
            continue
        for crm in crm_fields:
            if crm.key in used:
                continue
            reason = _meaning(erp, crm)
            conversion = transform.default_conversion(erp.type, crm.type)
            if reason is None or transform.incompatibility(erp, crm, conversion) is not None:
                continue
            found.append(
                Proposal(erp_field=erp.key, crm_field=crm.key, conversion=conversion, reason=reason)
            )
            used.add(crm.key)
            break
    return found


def automap(
    session: Session,
    meta: ErpMeta,
    connection_id: int,
    actor_type: str,
    apply: bool,
    only: list[str] | None = None,
) -> list[Proposal]:
    """Proposals for the unmapped fields; `apply` stores them with direction `none`.

    `only` keeps the proposals of these ERP fields (the ones the administrator chose).
    """
    rows = service.stored(session, connection_id, actor_type)
    taken_erp = {r.erp_field for r in rows if r.crm_field}
    taken_crm = {r.crm_field for r in rows if r.crm_field}
    found = propose(meta.fields_of(actor_type), fields_of(actor_type), taken_erp, taken_crm)
    if only is not None:
        for key in only:
            meta.field(actor_type, key)
        found = [proposal for proposal in found if proposal.erp_field in only]
    if apply and found:
        specs = [service.as_spec(r).model_copy(update={"rank": None}) for r in rows]
        by_key = {spec.erp_field: index for index, spec in enumerate(specs)}
        for proposal in found:
            update = {"crm_field": proposal.crm_field, "conversion": proposal.conversion}
            if proposal.erp_field in by_key:
                index = by_key[proposal.erp_field]
                specs[index] = specs[index].model_copy(update=update)
            else:
                specs.append(FieldMappingIn(erp_field=proposal.erp_field, **update))
        service.put_all(session, meta, connection_id, actor_type, specs)
    return found
