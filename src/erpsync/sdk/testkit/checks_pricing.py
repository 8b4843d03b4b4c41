"""Checks of the optional pricing capability (price lists and products), run only for
connectors that subclass `PricingCapability`; the others skip them.

Paging is stable and complete (small pages concatenate to one big read, no duplicates,
`total` agrees), search finds a product by code and by name and answers restrictions
with the meaning of `erpsync.sdk.operators`, prices are Decimal and agree between
`products` and `product` (and with the ERP's own computation when the hooks provide
`expected_price`), and every price list has valid dates and an ISO 4217 currency.
"""

from __future__ import annotations

from decimal import Decimal

from erpsync.sdk.errors import ConnectorError
from erpsync.sdk.model import Category, Operator, Restriction
from erpsync.sdk.operators import matches
from erpsync.sdk.pricing import MAX_PAGE, UNKNOWN_PRICE_LIST, PriceList, Product, has_pricing
from erpsync.sdk.pricing_host import CURRENCY, PricingHost
from erpsync.sdk.testkit.kit import Kit

PAGE = 7


def _pricing(kit: Kit) -> tuple[PricingHost, list[PriceList]]:
    if not has_pricing(type(kit.host.connector)):
        kit.skip("the connector does not offer price lists (no PricingCapability)")
    host = PricingHost(kit.host)
    lists = host.price_lists()
    if not lists:
        kit.skip("the test ERP has no price list")
    return host, lists


def _everything(kit: Kit, host: PricingHost, price_list: PriceList) -> list[Product]:
    """Every product of a list, read in the biggest pages allowed."""
    found: list[Product] = []
    while True:
        page = host.products(price_list.id, offset=len(found), limit=MAX_PAGE)
        found += page.items
        if not page.items or len(found) >= page.total:
            return found


def check_price_lists(kit: Kit) -> None:
    host, lists = _pricing(kit)
    for price_list in lists:
        call = "price_lists"
        kit.expect(
            bool(CURRENCY.fullmatch(price_list.currency)),
            call,
            f"currency {price_list.currency!r} is not an ISO 4217 code",
            price_list.id,
        )
        start, end = price_list.valid_from, price_list.valid_to
        kit.expect(
            start is None or end is None or start <= end,
            call,
            f"valid_from {start} is after valid_to {end}",
            price_list.id,
        )
    unknown = "999999999-no-such-price-list"
    try:
        host.products(unknown, limit=1)
    except ConnectorError as exc:  # the contract's answer: a data error naming the list
        kit.expect(
            exc.code == UNKNOWN_PRICE_LIST and exc.category is Category.DATA,
            f"products({unknown})",
            f"an unknown price list must be a data error with code {UNKNOWN_PRICE_LIST!r}, "
            f"got {exc}",
        )
    else:
        kit.fail(f"products({unknown})", "an unknown price list answered products")


def check_products_paging(kit: Kit) -> None:
    host, lists = _pricing(kit)
    for price_list in lists:
        call = f"products({price_list.id})"
        whole = _everything(kit, host, price_list)
        codes = [product.code for product in whole]
        kit.expect(bool(codes), call, "the price list holds no product")
        kit.expect(len(set(codes)) == len(codes), call, "a product appears twice in a full read")
        paged: list[str] = []
        offset = 0
        while True:
            page = host.products(price_list.id, offset=offset, limit=PAGE)
            kit.expect(
                page.total == len(codes),
                call,
                f"total is {page.total} at offset {offset}, a full read has {len(codes)}",
            )
            paged += [product.code for product in page.items]
            offset += PAGE
            if offset >= page.total:
                break
        kit.expect(
            paged == codes,
            call,
            f"pages of {PAGE} do not concatenate to the full read (order not stable, "
            f"or products lost/repeated: {len(paged)} paged, {len(codes)} in full)",
        )
        beyond = host.products(price_list.id, offset=len(codes) + 10, limit=PAGE)
        kit.expect(beyond.items == [], call, "a page beyond the end is not empty")


def check_products_search(kit: Kit) -> None:
    host, lists = _pricing(kit)
    for price_list in lists:
        call = f"products({price_list.id})"
        sample = host.products(price_list.id, limit=PAGE).items
        kit.expect(bool(sample), call, "the price list holds no product")
        product = sample[len(sample) // 2]
        by_code = host.products(price_list.id, query=product.code.lower(), limit=MAX_PAGE)
        kit.expect(
            product.code in [p.code for p in by_code.items],
            call,
            f"free text {product.code.lower()!r} did not find the product by its code",
            product.code,
        )
        word = max(product.name.split(), key=len).upper()
        by_name = host.products(price_list.id, query=word, limit=MAX_PAGE)
        kit.expect(
            product.code in [p.code for p in by_name.items],
            call,
            f"free text {word!r} did not find the product by its name",
            product.code,
        )
        for found in by_name.items:
            texts = f"{found.code} {found.name}".casefold()
            kit.expect(word.casefold() in texts, call, f"{word!r} is in neither code nor name")
        nothing = host.products(price_list.id, query="Zq" + kit.unique_text(), limit=PAGE)
        kit.expect(nothing.items == [] and nothing.total == 0, call, "a text nobody holds matched")
        _check_restrictions(kit, host, price_list, product)


def _check_restrictions(kit: Kit, host: PricingHost, price_list: PriceList, one: Product) -> None:
    call = f"products({price_list.id})"
    cases = [
        Restriction("code", Operator.BEGINS, (one.code[:3].lower(),)),
        Restriction("code", Operator.CONTAINS, (one.code[1:],)),
        Restriction("code", Operator.EQUALS, (one.code,)),
        Restriction("name", Operator.CONTAINS, (one.name[1:5],)),
        Restriction("price", Operator.BETWEEN, (one.price, one.price)),
        Restriction("price", Operator.GE, (one.price,)),
        Restriction("price", Operator.LT, (one.price,)),
    ]
    for restriction in cases:
        shown = f"{restriction.field} {restriction.operator} {restriction.values!r}"
        page = host.products(price_list.id, restrictions=[restriction], limit=MAX_PAGE)
        value = getattr(one, restriction.field)
        kit.expect(
            (one.code in [p.code for p in page.items]) == matches(restriction, value),
            call,
            f"{shown} on value {value!r} should {'' if matches(restriction, value) else 'not '}"
            "match",
            one.code,
        )
        for found in page.items:
            got = getattr(found, restriction.field)
            kit.expect(matches(restriction, got), call, f"{shown} returned {got!r}", found.code)


def check_product_prices(kit: Kit) -> None:
    host, lists = _pricing(kit)
    expected_price = kit.hooks.expected_price
    for price_list in lists:
        call = f"product({price_list.id})"
        for listed in host.products(price_list.id, limit=PAGE).items:
            single = host.product(price_list.id, listed.code)
            kit.expect(single is not None, call, "a listed product is not found", listed.code)
            assert single is not None
            kit.expect(
                single.price == listed.price,
                call,
                f"price {single.price} differs from {listed.price} in products()",
                listed.code,
            )
            kit.expect(listed.price >= Decimal(0), call, "a negative price", listed.code)
            wanted = expected_price(price_list, listed)
            kit.expect(
                wanted is None or wanted == listed.price,
                call,
                f"price {listed.price} {price_list.currency}, the ERP itself computes {wanted}",
                listed.code,
            )
        missing = host.product(price_list.id, "999999999-no-such-product")
        kit.expect(missing is None, call, "an unknown product code gave a product")
