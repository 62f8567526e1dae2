"""URL slugs from names: 'Sony WH-1000XM5 "Black"' -> 'sony-wh-1000xm5-black'."""

import re
import unicodedata
import uuid

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 120) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "item"


def with_suffix(slug: str) -> str:
    """A variant of a taken slug that is unique without another round trip."""
    return f"{slug}-{uuid.uuid4().hex[:6]}"
