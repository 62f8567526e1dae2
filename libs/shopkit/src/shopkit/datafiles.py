"""Typed records from data files shipped inside a package (JSON and CSV).

Seed data is kept in files, not in Python literals, and read through pydantic models, so a
malformed file fails loudly and precisely. A `DataFiles` reads the files of one directory
(`importlib.resources.files("pkg") / "data"`, which works from a wheel as well as from a
checkout, or a plain `Path`) and collects every problem as one line naming the file, the
record and the field; `check()` then raises one `DataFileError` listing them all, so a
broken file is fixed in one pass rather than one error at a time.

    files = DataFiles(files("catalog_fulfillment.seeding") / "data")
    products = files.json_records("products.json", DemoProduct, key="sku")
    stores = files.csv_records("stores.csv", DemoStore)
    files.check()
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

Record = TypeVar("Record", bound=BaseModel)


class DataFileError(ValueError):
    """Data files are malformed; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("data files are malformed:\n  " + "\n  ".join(problems))


class DataFiles:
    """Reads and validates the files of one directory, collecting problems in `problems`."""

    def __init__(self, directory: Traversable) -> None:
        self.directory = directory
        self.problems: list[str] = []

    def check(self) -> None:
        if self.problems:
            raise DataFileError(self.problems)

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def unique(self, where: str, what: str, values: Iterable[str]) -> None:
        """A problem for every value that appears more than once."""
        for value, count in Counter(values).items():
            if count > 1:
                self.problem(f"{where}: {what} {value!r} appears {count} times")

    def json_value(self, name: str, shape: Any) -> Any:
        """The whole file validated as `shape` (a model or any type pydantic knows), or None
        after recording the problems."""
        raw = self._json(name)
        if raw is None:
            return None
        try:
            return TypeAdapter(shape).validate_python(raw)
        except ValidationError as exc:
            self._add(name, exc)
            return None

    def json_records(
        self, name: str, model: type[Record], *, key: str | None = None
    ) -> list[Record]:
        """A JSON list of records; a record is named by its index and its `key` field."""
        raw = self._json(name)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(f"{name}: must hold a JSON list of records")
            return []
        return self._validate(
            name, model, ((_json_label(i, item, key), item) for i, item in enumerate(raw))
        )

    def csv_records(self, name: str, model: type[Record]) -> list[Record]:
        """A CSV file whose header is exactly the model's fields, in order. A blank cell is
        an absent value: an optional field takes its default, a required one fails."""
        text = self._read(name)
        if text is None:
            return []
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = list(model.model_fields)
        if reader.fieldnames != columns:
            found = ",".join(reader.fieldnames or [])
            self.problem(f"{name}: the header must be {','.join(columns)} (found {found})")
            return []
        records = []
        for row in reader:
            where = f"line {reader.line_num}"
            if None in row or None in row.values():  # more or fewer cells than columns
                self.problem(f"{name}: {where}: expected {len(columns)} cells")
                continue
            present = {column: cell for column, cell in row.items() if cell != ""}
            records += self._validate(name, model, [(where, present)])
        return records

    def _read(self, name: str) -> str | None:
        try:
            return self.directory.joinpath(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(f"{name}: cannot be read ({exc.__class__.__name__})")
            return None

    def _json(self, name: str) -> Any:
        text = self._read(name)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(
                f"{name}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
            return None

    def _validate(
        self, name: str, model: type[Record], items: Iterable[tuple[str, Any]]
    ) -> list[Record]:
        records = []
        for where, item in items:
            try:
                records.append(model.model_validate(item))
            except ValidationError as exc:
                self._add(f"{name}: {where}", exc)
        return records

    def _add(self, where: str, exc: ValidationError) -> None:
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "(the whole value)"
            self.problem(f"{where}: {field}: {error['msg']}")


def _json_label(index: int, item: Any, key: str | None) -> str:
    value = item.get(key) if key is not None and isinstance(item, dict) else None
    return f"[{index}] ({key} {value})" if isinstance(value, str) else f"[{index}]"
