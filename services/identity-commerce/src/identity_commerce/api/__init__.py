"""HTTP routers of identity-commerce."""

from fastapi import APIRouter

from identity_commerce.api import (
    account_links,
    addresses,
    admin_customers,
    admin_orders,
    admin_promotions,
    admin_reports,
    admin_shipping,
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
    admin_customers.router,
    admin_reports.router,
    admin_promotions.router,
    admin_shipping.router,
    payments.router,
    internal.router,
]
