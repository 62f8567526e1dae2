"""Request and response bodies: the pieces every service's schemas build on.

`ClosedModel` is a request body that refuses the fields it does not declare.

Most fields of a response body carry the attribute of the same name of the row it shows
(an ORM row, a dataclass); writing `id=row.id, name=row.name, ...` out for each of them
hides the few that differ. `read_body` reads those by name and takes the others as given:

    return read_body(CartLineOut, line.item, line_total=line.line_total)

Nested bodies are read the same way (`from_attributes`), so a field holding a related row
validates into its own schema.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

Body = TypeVar("Body", bound=BaseModel)


def read_body(schema: type[Body], source: object, /, **given: Any) -> Body:
    """`schema` with the values `given`, every other field read from `source` by its name
    (a given one is not read at all: it may be a relationship that was never loaded)."""
    read = {name: getattr(source, name) for name in schema.model_fields if name not in given}
    return schema.model_validate({**read, **given}, from_attributes=True)


# A body that refuses the fields it does not declare: a client's misspelt or stale field is
# a 422 naming it, not a value silently dropped. (A comment rather than a docstring: a
# docstring here would become the description of every schema built on it.)
class ClosedModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
