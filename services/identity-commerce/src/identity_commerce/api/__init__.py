"""HTTP routers of identity-commerce."""

from fastapi import APIRouter

from identity_commerce.api import (
    account_links,
    addresses,
    admin_orders,
    aftersale,
    auth,
    cart,
    checkout,
    internal,
    orders,
    payments,
)

routers: list[APIRouter] = [
    auth.router,
    account_links.router,
    addresses.router,
    cart.router,
    checkout.router,
    orders.router,
    admin_orders.router,
    aftersale.router,
    payments.router,
    internal.router,
]
