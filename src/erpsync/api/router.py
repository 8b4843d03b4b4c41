"""Assembles the API routers of every resource."""

from __future__ import annotations

from fastapi import APIRouter

from erpsync.api import (
    accounts,
    companies,
    connections,
    crm_lists,
    exchange,
    imports,
    links,
    mapping,
    mapping_lists,
    persons,
    pricing,
    projects,
    sync,
    sync_outbox,
)


def build() -> APIRouter:
    router = APIRouter()
    router.include_router(accounts.router)
    router.include_router(companies.router)
    router.include_router(persons.router)
    router.include_router(projects.router)
    router.include_router(crm_lists.router)
    router.include_router(connections.router)
    router.include_router(exchange.router)
    router.include_router(mapping.router)
    router.include_router(mapping_lists.router)
    router.include_router(sync.router)
    router.include_router(sync_outbox.router)
    router.include_router(pricing.router)
    router.include_router(links.router)
    router.include_router(imports.router)
    return router
