"""HTTP routers of identity-commerce."""

from fastapi import APIRouter

from identity_commerce.api import addresses, auth, cart, jwks

routers: list[APIRouter] = [
    auth.router,
    jwks.router,
    addresses.router,
    cart.router,
]
