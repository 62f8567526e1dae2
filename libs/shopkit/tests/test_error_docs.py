"""A route's error answers are documented from the error classes it can raise."""

from fastapi import FastAPI
from pydantic import BaseModel
from shopkit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RequestInvalid,
    Unauthorized,
    behind_token,
    error_responses,
)


class Clash(BaseModel):
    detail: str
    current_status: str


def _operation() -> dict:
    app = FastAPI()

    @app.get(
        "/things/{thing_id}",
        responses=error_responses(
            Unauthorized,
            NotFound.documented("No such thing, or not yours"),
            Conflict.documented("Already taken", body=Clash),
            RequestInvalid,
        ),
    )
    async def read_thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    return app.openapi()


def test_each_class_documents_its_status_meaning_and_body() -> None:
    document = _operation()
    responses = document["paths"]["/things/{thing_id}"]["get"]["responses"]
    schema_of = {
        status: answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for status, answer in responses.items()
        if status != "200"
    }
    assert schema_of == {
        "401": "Problem",
        "404": "Problem",
        "409": "Clash",
        "422": "ValidationProblem",
    }
    assert responses["401"]["description"] == Unauthorized.description
    assert responses["404"]["description"] == "No such thing, or not yours"
    assert responses["409"]["description"] == "Already taken"
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["detail"]


def test_the_documented_body_is_the_one_the_error_sends() -> None:
    error = NotFound("No such thing")
    assert error.status_code == NotFound.documented().status_code == 404
    NotFound.body_schema.model_validate(error.body())
    assert set(error.body()) == set(NotFound.body_schema.model_fields)


def test_behind_token_puts_401_and_403_first_in_the_wording_given() -> None:
    staff_only = Forbidden.documented("Staff only")
    responses = behind_token(NotFound.documented("No such thing"), forbidden=staff_only)
    assert list(responses) == [401, 403, 404]
    assert responses[401]["description"] == Unauthorized.description
    assert responses[403]["description"] == "Staff only"
    assert responses == error_responses(
        Unauthorized, staff_only, NotFound.documented("No such thing")
    )
