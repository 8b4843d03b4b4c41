"""Assembles the API routers of every resource."""

from __future__ import annotations

from fastapi import APIRouter

from erpsync.api import accounts


def build() -> APIRouter:
    router = APIRouter()
    router.include_router(accounts.router)
    return router
