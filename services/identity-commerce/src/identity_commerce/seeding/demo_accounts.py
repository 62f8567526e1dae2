"""The demo accounts, read from `seeding/data/demo_accounts.json` (shipped in the package).

Each account is checked with the field rules of sign-up and of /addresses, so a seeded
account is one the API itself would accept, except for the password length: the
documented demo passwords (`Bob@123`) are shorter than sign-up's minimum. A malformed
file fails with a `shopkit.datafiles.DataFileError` naming the account and the field.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from importlib.resources.abc import Traversable

from pydantic import BaseModel, ConfigDict
from shopkit.datafiles import DataFiles

from identity_commerce.models import UserRole
from identity_commerce.schemas.addresses import AddressIn
from identity_commerce.schemas.fields import AnyPassword, Email, PersonName, Phone

PACKAGED = files("identity_commerce.seeding") / "data"


class DemoShippingAddress(AddressIn):
    model_config = ConfigDict(extra="forbid")


class DemoAccount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    password: AnyPassword
    role: UserRole
    first_name: PersonName
    last_name: PersonName
    phone: Phone = None
    shipping: DemoShippingAddress | None = None  # becomes the default shipping address


@functools.cache
def demo_accounts() -> list[DemoAccount]:
    """The packaged demo accounts, read once per process."""
    return load_demo_accounts(PACKAGED)


def load_demo_accounts(directory: Traversable) -> list[DemoAccount]:
    data = DataFiles(directory)
    accounts = data.json_records("demo_accounts.json", DemoAccount, key="email")
    data.unique("demo_accounts.json", "email", (account.email for account in accounts))
    data.check()
    return accounts
