"""RFC 9457 problem details for every error the API returns, naming the offending field where there is one.

A client never sees a 500 for something it sent: validation, decoding and size errors are all mapped here.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from polywire.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge

log = logging.getLogger("polywire.web")

PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": 'Bearer realm="polywire"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if len(parts) > 1 else parts
    return ".".join(parts)


_FIELD_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*): ")


def _field_of(detail: str) -> str | None:
    """The field a "field: message" detail names (our own HTTPExceptions are written that way), if any."""
    match = _FIELD_PREFIX.match(detail)
    return match.group(1) if match else None


def _clean_message(message: str) -> str:
    # pydantic prefixes messages raised by our validators; the field name already says which check it was.
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for error in exc.errors():
            if error.get("type") == "json_invalid":
                ctx = error.get("ctx") or {}
                return problem(400, f"body: malformed JSON ({ctx.get('error', 'cannot be parsed')})", field="body")
            field = _field_path(tuple(error.get("loc", ())))
            errors.append({"field": field, "message": _clean_message(str(error.get("msg", "invalid")))})
        if not errors:
            return problem(422, "the request is not valid")
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, detail, field=errors[0]["field"], errors=errors)

    @app.exception_handler(InvalidInput)
    async def _invalid(_request: Request, exc: InvalidInput) -> JSONResponse:
        status = 413 if isinstance(exc, PayloadTooLarge) else 422
        return problem(status, str(exc), field=exc.field, errors=[{"field": exc.field, "message": exc.message}])

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
        return problem(409, str(exc))

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        field = _field_of(detail)
        if exc.status_code == 400 and field is None:
            # FastAPI's own 400 ("There was an error parsing the body") comes from a body it could not read or
            # decode (nesting too deep for the JSON parser, a broken upload): the body is the field at fault.
            field = "body"
            detail = f"body: cannot be parsed ({detail})"
        if field is None:
            return problem(exc.status_code, detail)
        return problem(exc.status_code, detail, field=field)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "an internal error occurred; it has been logged")
