"""shopkit.datafiles: typed records from JSON and CSV files, every problem named by file,
record and field, all reported in one error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field
from shopkit.datafiles import DataFileError, DataFiles


class City(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    region: str | None = None


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_good_files_give_typed_records(tmp_path: Path) -> None:
    write(tmp_path, "cities.csv", 'name,country,region\nBerlin,DE,\n"Portland, OR",US,OR\n')
    write(tmp_path, "cities.json", '[{"name": "Oslo", "country": "NO"}]')
    files = DataFiles(tmp_path)
    assert files.csv_records("cities.csv", City) == [
        City(name="Berlin", country="DE"),
        City(name="Portland, OR", country="US", region="OR"),
    ]
    assert files.json_records("cities.json", City, key="name") == [City(name="Oslo", country="NO")]
    assert files.json_value("cities.json", list[City]) == [City(name="Oslo", country="NO")]
    files.check()


def test_every_problem_names_its_file_record_and_field(tmp_path: Path) -> None:
    write(tmp_path, "cities.csv", "name,country,region\nBerlin,de,\n,US,\nParis,FR\n")
    write(tmp_path, "cities.json", '[{"name": "Oslo", "country": "NO", "pop": 1}, {"country": 3}]')
    write(tmp_path, "broken.json", '{"a": 1,}')
    write(tmp_path, "object.json", '{"name": "Oslo"}')
    files = DataFiles(tmp_path)
    files.csv_records("cities.csv", City)
    files.json_records("cities.json", City, key="name")
    files.json_value("broken.json", dict[str, int])
    files.json_records("object.json", City)
    files.json_value("missing.json", City)
    files.unique("cities.csv", "name", ["Berlin", "Berlin", "Paris"])
    with pytest.raises(DataFileError) as raised:
        files.check()
    problems = raised.value.problems
    assert problems[:6] == [
        "cities.csv: line 2: country: String should match pattern '^[A-Z]{2}$'",
        "cities.csv: line 3: name: Field required",
        "cities.csv: line 4: expected 3 cells",
        "cities.json: [0] (name Oslo): pop: Extra inputs are not permitted",
        "cities.json: [1]: name: Field required",
        "cities.json: [1]: country: Input should be a valid string",
    ]
    # json's wording of the syntax error differs between Python versions; where does not.
    assert re.fullmatch(r"broken\.json: not valid JSON: .+ at line 1 column \d+", problems[6])
    assert problems[7:] == [
        "object.json: must hold a JSON list of records",
        "missing.json: cannot be read (FileNotFoundError)",
        "cities.csv: name 'Berlin' appears 2 times",
    ]
    assert str(raised.value).startswith("data files are malformed:\n  cities.csv: line 2:")


def test_a_csv_header_must_name_the_fields_in_order(tmp_path: Path) -> None:
    write(tmp_path, "cities.csv", "country,name,region\nDE,Berlin,\n")
    files = DataFiles(tmp_path)
    assert files.csv_records("cities.csv", City) == []
    assert files.problems == [
        "cities.csv: the header must be name,country,region (found country,name,region)"
    ]
