"""Assembles the page routers."""

from __future__ import annotations

from fastapi import APIRouter

from erpsync.web import (
    pages_accounts,
    pages_auth,
    pages_companies,
    pages_erp_tab,
    pages_home,
    pages_imports,
    pages_mapping,
    pages_mapping_lists,
    pages_persons,
    pages_price_lists,
    pages_products,
    pages_projects,
    pages_sync,
    pages_sync_outbox,
)


def build() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.include_router(pages_auth.router)
    router.include_router(pages_home.router)
    router.include_router(pages_accounts.router)
    router.include_router(pages_companies.router)
    router.include_router(pages_persons.router)
    router.include_router(pages_projects.router)
    router.include_router(pages_erp_tab.router)
    router.include_router(pages_products.router)
    router.include_router(pages_price_lists.router)
    router.include_router(pages_sync.router)
    router.include_router(pages_sync_outbox.router)
    router.include_router(pages_imports.router)
    router.include_router(pages_mapping.router)
    router.include_router(pages_mapping_lists.router)
    return router
