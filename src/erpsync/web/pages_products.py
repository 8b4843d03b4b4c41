"""The Products page for CRM users (R-CONN-6, R-UI-2): choose a connection in your scope
and one of its price lists, search products (free text and advanced), page through them
with prices in the list's currency, and open one product.

Thin: the pricing service decides scope, exposed lists, caching and ERP errors; this
module only reads the form and renders.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError as PydanticError

from erpsync.api.connections import KeysDep
from erpsync.api.deps import DatabaseDep, RecordId
from erpsync.errors import ErpSyncError, NotFound
from erpsync.pricing import service
from erpsync.pricing.schemas import ProductQuery
from erpsync.web.pages_auth import PageUser
from erpsync.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
TEXT_PARAMS = ("q", "code_begins", "code_contains")
MONEY_PARAMS = ("price_min", "price_max")


def _form(request: Request) -> dict[str, str]:
    keys = ("connection", "price_list", *TEXT_PARAMS, *MONEY_PARAMS, "offset")
    return {key: request.query_params.get(key, "").strip() for key in keys}


def _query(form: dict[str, str]) -> tuple[ProductQuery | None, dict[str, str]]:
    """The search from the form, or the message per bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {key: form[key] or None for key in TEXT_PARAMS}
    values["q"] = form["q"]
    for key in MONEY_PARAMS:
        try:
            values[key] = Decimal(form[key].replace(",", ".")) if form[key] else None
        except InvalidOperation:
            errors[key] = "Enter an amount, e.g. 100 or 99.50."
    values["offset"] = int(form["offset"]) if form["offset"].isdigit() else 0
    if errors:
        return None, errors
    try:
        return ProductQuery(**values, limit=PAGE_SIZE), {}
    except PydanticError as exc:
        for error in exc.errors():
            errors[str(error["loc"][0]) if error["loc"] else "q"] = str(error["msg"])
    except ErpSyncError as exc:
        errors[exc.field or "q"] = exc.message.split(": ", 1)[-1]
    return None, errors


def _page_url(form: dict[str, str], offset: int) -> str:
    kept = {key: value for key, value in form.items() if value and key != "offset"}
    return "/products?" + urlencode({**kept, "offset": offset})


@router.get("/products", response_class=HTMLResponse)
def products_page(
    request: Request, user: PageUser, database: DatabaseDep, keys: KeysDep
) -> HTMLResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form, "errors": {}, "lists": [], "page": None}
    with database.read_session() as session:
        found = service.pricing_connections(session, user)
        context["connections"] = found
        chosen = next((c for c in found if str(c.id) == form["connection"]), None)
        if chosen is None and found:
            chosen = found[0]
        context["chosen"] = chosen
        try:
            if chosen is not None:
                form["connection"] = str(chosen.id)
                if user.is_admin:
                    context["restricted"] = bool(service.allowed_ids(session, chosen.id))
                lists = service.price_lists(session, keys, user, chosen.id)
                context["lists"] = lists
                if lists and form["price_list"] not in {pl.id for pl in lists}:
                    form["price_list"] = lists[0].id
                query, context["errors"] = _query(form)
                if lists and query is not None:
                    page = service.products(
                        session, keys, user, chosen.id, form["price_list"], query
                    )
                    context["page"] = page
                    context["pager"] = _pager(form, page.offset, page.total, len(page.items))
        except ErpSyncError as exc:
            context["erp_error"] = exc.message
    return render(request, "products/index.html", context)


def _pager(form: dict[str, str], offset: int, total: int, shown: int) -> dict[str, Any]:
    return {
        "first": offset + 1 if shown else 0,
        "last": offset + shown,
        "total": total,
        "prev_url": _page_url(form, max(0, offset - PAGE_SIZE)) if offset > 0 else None,
        "next_url": _page_url(form, offset + PAGE_SIZE) if offset + shown < total else None,
    }


@router.get("/products/{connection_id}/{price_list_id}/{code:path}", response_class=HTMLResponse)
def product_page(
    request: Request,
    connection_id: RecordId,
    price_list_id: str,
    code: str,
    user: PageUser,
    database: DatabaseDep,
    keys: KeysDep,
) -> HTMLResponse:
    back = "/products?" + urlencode({"connection": connection_id, "price_list": price_list_id})
    with database.read_session() as session:
        connection = service.connection_for(session, user, connection_id)
        try:
            price_list, product = service.product(
                session, keys, user, connection_id, price_list_id, code
            )
        except NotFound:
            raise
        except ErpSyncError as exc:
            context = {"connection": connection, "erp_error": exc.message, "back": back}
            return render(request, "products/detail.html", {**context, "product": None}, 503)
    context = {
        "connection": connection,
        "price_list": price_list,
        "product": product,
        "back": back,
    }
    return render(request, "products/detail.html", context)
