"""The OpenAPI document: served, valid JSON, and describing the public resources."""

from __future__ import annotations

import json

from tests.support.server import PolywireServer


def test_openapi_lists_releases_and_subscribers(server: PolywireServer) -> None:
    """GET /openapi.json is valid OpenAPI 3 JSON with the /v1/releases and /v1/subscribers operations."""
    answer = server.request("GET", "/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    document = json.loads(answer.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "polywire"
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/v1/releases"])
    assert {"get", "post"} <= set(paths["/v1/subscribers"])
    assert {"get", "patch", "delete"} <= set(paths["/v1/subscribers/{subscriber_id}"])
    assert "post" in paths["/v1/subscribers/{subscriber_id}/endpoints/{endpoint_id}/rotate-secret"]
    assert "get" in paths["/v1/releases/{release_id}/deliveries"]
    # The request schemas are there too, so clients can be generated from the document.
    schemas = document["components"]["schemas"]
    assert {"headline", "body_html", "language"} <= set(schemas["ReleaseIn"]["properties"])
    assert "endpoints" in schemas["SubscriberIn"]["properties"]
