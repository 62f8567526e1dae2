"""Store locator: nearest first with great-circle distances checked against published
city-to-city distances, the date line, listing, detail and bad coordinates."""

from __future__ import annotations

import uuid

import pytest
from catalog_fulfillment.models import Store

CITIES = {
    # name: (lat, lng) of the city centre
    "London": (51.5074, -0.1278),
    "Paris": (48.8566, 2.3522),
    "Brussels": (50.8503, 4.3517),
    "Amsterdam": (52.3676, 4.9041),
    "Berlin": (52.5200, 13.4050),
    "Munich": (48.1351, 11.5820),
    "New York": (40.7128, -74.0060),
    "Boston": (42.3601, -71.0589),
    "Madrid": (40.4168, -3.7038),
    "Barcelona": (41.3874, 2.1686),
}


async def add_stores(session, names) -> dict[str, Store]:
    made = {}
    for name in names:
        lat, lng = CITIES[name]
        store = Store(
            name=f"Shop {name}",
            address="1 Main Street",
            city=name,
            country="XX",
            lat=lat,
            lng=lng,
            phone="+10000000000",
            opening_hours={"mon": "09:00-18:00", "sun": "closed"},
        )
        session.add(store)
        made[name] = store
    await session.flush()
    return made


# Published great-circle distances between the city centres (km).
KNOWN = [
    ("Paris", "London", 343.5),
    ("Paris", "Brussels", 264.0),
    ("Paris", "Amsterdam", 430.0),
    ("Berlin", "Munich", 504.0),
    ("New York", "Boston", 306.0),
    ("Madrid", "Barcelona", 505.0),
]


@pytest.mark.parametrize(("origin", "target", "km"), KNOWN)
async def test_distance_matches_known_city_distances(
    client, db_session, origin, target, km
) -> None:
    await add_stores(db_session, [target])
    lat, lng = CITIES[origin]
    body = (
        await client.get("/stores/nearby", params={"lat": lat, "lng": lng, "radius_km": 1000})
    ).json()
    [store] = [s for s in body["items"] if s["city"] == target]
    assert store["distance_km"] == pytest.approx(km, rel=0.006)


async def test_nearby_is_nearest_first_and_within_radius(client, db_session) -> None:
    await add_stores(db_session, ["London", "Brussels", "Amsterdam", "Berlin", "Munich", "Madrid"])
    lat, lng = CITIES["Paris"]
    body = (
        await client.get("/stores/nearby", params={"lat": lat, "lng": lng, "radius_km": 700})
    ).json()
    assert [s["city"] for s in body["items"]] == ["Brussels", "London", "Amsterdam", "Munich"]
    distances = [s["distance_km"] for s in body["items"]]
    assert distances == sorted(distances) and distances[-1] <= 700
    assert (body["lat"], body["lng"], body["radius_km"]) == (lat, lng, 700)
    close = (
        await client.get("/stores/nearby", params={"lat": lat, "lng": lng, "radius_km": 300})
    ).json()
    assert [s["city"] for s in close["items"]] == ["Brussels"]
    limited = (
        await client.get(
            "/stores/nearby", params={"lat": lat, "lng": lng, "radius_km": 1000, "limit": 2}
        )
    ).json()
    assert [s["city"] for s in limited["items"]] == ["Brussels", "London"]


async def test_nearby_across_the_date_line_and_near_a_pole(client, db_session) -> None:
    fiji_east = Store(
        name="East",
        address="x",
        city="Taveuni",
        country="FJ",
        lat=-16.8,
        lng=179.95,
        opening_hours={},
    )
    north = Store(
        name="North", address="x", city="Alert", country="CA", lat=89.9, lng=100.0, opening_hours={}
    )
    db_session.add_all([fiji_east, north])
    await db_session.flush()
    west = (
        await client.get("/stores/nearby", params={"lat": -16.8, "lng": -179.95, "radius_km": 50})
    ).json()
    assert [s["name"] for s in west["items"]] == ["East"]
    assert west["items"][0]["distance_km"] == pytest.approx(10.65, abs=0.1)
    pole = (
        await client.get("/stores/nearby", params={"lat": 89.9, "lng": -80.0, "radius_km": 50})
    ).json()
    assert [s["name"] for s in pole["items"]] == ["North"]
    assert pole["items"][0]["distance_km"] == pytest.approx(22.24, abs=0.1)


@pytest.mark.parametrize(
    "params",
    [
        {"lat": 91, "lng": 0},
        {"lat": -90.5, "lng": 0},
        {"lat": 0, "lng": 180.1},
        {"lat": 0, "lng": -181},
        {"lat": 0, "lng": 0, "radius_km": 0},
        {"lat": 0, "lng": 0, "radius_km": -5},
        {"lat": 0, "lng": 0, "radius_km": 1001},
        {"lat": 0, "lng": 0, "radius_km": 1e9},
        {"lat": -90, "lng": -180, "radius_km": 5e-324},  # once an underflow 500 in earth_box
        {"lat": 0, "lng": 0, "radius_km": 0.009},
        {"lat": 0, "lng": 0, "radius_km": "nan"},
        {"lat": 0, "lng": 0, "radius_km": "inf"},
        {"lat": "nan", "lng": 0},
        {"lat": "inf", "lng": 0},
        {"lat": "north", "lng": 0},
        {"lng": 0},
        {"lat": 0, "lng": 0, "limit": 0},
    ],
)
async def test_impossible_coordinates_or_radius_are_422(client, params) -> None:
    assert (await client.get("/stores/nearby", params=params)).status_code == 422


@pytest.mark.parametrize("radius_km", [0.01, 1000])
@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (-90, -180),
        (90, 180),
        (-90, 180),
        (90, -180),
        (0, 0),
        (5e-324, -5e-324),  # subnormal: radians() of it underflows in PostgreSQL
        (-1e-310, 1e-310),
        (89.99999999999999, 179.99999999999997),
    ],
)
async def test_nearby_answers_at_the_edges_of_the_coordinate_space(
    client, db_session, lat, lng, radius_km
) -> None:
    await add_stores(db_session, ["Paris"])
    response = await client.get(
        "/stores/nearby", params={"lat": lat, "lng": lng, "radius_km": radius_km}
    )
    assert response.status_code == 200, response.text
    assert response.json()["radius_km"] == radius_km


async def test_list_and_read_stores(client, db_session) -> None:
    made = await add_stores(db_session, ["Paris", "Berlin", "London"])
    body = (await client.get("/stores", params={"page_size": 2})).json()
    assert (body["total"], len(body["items"])) == (3, 2)
    assert [s["city"] for s in body["items"]] == ["Berlin", "London"]
    only = (await client.get("/stores", params={"city": "paris"})).json()
    assert [s["id"] for s in only["items"]] == [str(made["Paris"].id)]
    one = await client.get(f"/stores/{made['Paris'].id}")
    assert one.status_code == 200
    assert one.json()["opening_hours"] == {"mon": "09:00-18:00", "sun": "closed"}
    assert (await client.get(f"/stores/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/stores/not-a-uuid")).status_code == 422
    assert (await client.get("/stores", params={"country": "FRA"})).status_code == 422
