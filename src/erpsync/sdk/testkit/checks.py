"""Every check of the conformance kit, in the order the pytest base class runs them."""

from __future__ import annotations

from collections.abc import Callable

from erpsync.sdk.testkit.checks_meta import (
    check_class_attributes,
    check_config_fields,
    check_instance_id,
    check_list_items,
    check_metadata,
    check_test_config_and_categories,
    check_unknown_keys,
)
from erpsync.sdk.testkit.checks_pricing import (
    check_price_lists,
    check_product_prices,
    check_products_paging,
    check_products_search,
)
from erpsync.sdk.testkit.checks_read import (
    check_children,
    check_get_actors,
    check_search_operators,
    check_search_text,
)
from erpsync.sdk.testkit.checks_stream import (
    check_deletes_in_stream,
    check_late_commit,
    check_resume_from_every_cursor,
    check_snapshot_holds_everything,
    check_stream_across_batches,
    check_updates_in_stream,
)
from erpsync.sdk.testkit.checks_write import (
    check_create_round_trip,
    check_idempotent_create,
    check_save_is_idempotent,
)
from erpsync.sdk.testkit.kit import Kit

Check = Callable[[Kit], None]

CHECKS: dict[str, Check] = {
    check.__name__.removeprefix("check_"): check
    for check in (
        check_class_attributes,
        check_config_fields,
        check_test_config_and_categories,
        check_instance_id,
        check_metadata,
        check_list_items,
        check_unknown_keys,
        check_get_actors,
        check_search_text,
        check_search_operators,
        check_children,
        check_stream_across_batches,
        check_resume_from_every_cursor,
        check_late_commit,
        check_updates_in_stream,
        check_deletes_in_stream,
        check_snapshot_holds_everything,
        check_create_round_trip,
        check_idempotent_create,
        check_save_is_idempotent,
        check_price_lists,
        check_products_paging,
        check_products_search,
        check_product_prices,
    )
}
