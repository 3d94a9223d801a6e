"""Application errors and their RFC 9457 problem+json rendering.

Services raise ``AppError`` subclasses; only this module and the endpoints know about HTTP.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    status = 500
    title = "Internal Server Error"
    type_slug = "internal"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra
        self.headers: dict[str, str] = {}


class BadRequest(AppError):
    status, title, type_slug = 400, "Bad Request", "bad-request"


class Unauthorized(AppError):
    status, title, type_slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers["WWW-Authenticate"] = "Bearer"


class Forbidden(AppError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, type_slug = 404, "Not Found", "not-found"


class Conflict(AppError):
    status, title, type_slug = 409, "Conflict", "conflict"


class PayloadTooLarge(AppError):
    status, title, type_slug = 413, "Content Too Large", "too-large"


class Unprocessable(AppError):
    status, title, type_slug = 422, "Unprocessable Content", "validation"


class RateLimited(AppError):
    status, title, type_slug = 429, "Too Many Requests", "rate-limited"

    def __init__(self, retry_after_s: int, detail: str | None = None) -> None:
        super().__init__(
            detail or f"Too many messages; retry after {retry_after_s} s", retry_after=retry_after_s
        )
        self.headers["Retry-After"] = str(retry_after_s)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_slug: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://bankdesk.example/problems/{type_slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        out.append(
            {"loc": [str(p) for p in err.get("loc", ())], "msg": err.get("msg"), "type": err.get("type")}
        )
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem(
            exc.status,
            exc.title,
            exc.detail,
            type_slug=exc.type_slug,
            instance=request.url.path,
            headers=exc.headers or None,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(
                400,
                "Bad Request",
                "The request body is not valid JSON",
                type_slug="malformed-json",
                instance=request.url.path,
            )
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors)
        return problem(
            422,
            "Unprocessable Content",
            detail,
            type_slug="validation",
            instance=request.url.path,
            errors=_jsonable_errors(errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            return problem(
                422,
                "Unprocessable Content",
                "The request body is not valid UTF-8",
                type_slug="invalid-encoding",
                instance=request.url.path,
            )
        return problem(
            exc.status_code,
            {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "Error"),
            str(exc.detail),
            type_slug=f"http-{exc.status_code}",
            instance=request.url.path,
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
            return problem(
                503,
                "Service Unavailable",
                "The database is not reachable right now; nothing of this request was saved. Retry shortly.",
                type_slug="unavailable",
                instance=request.url.path,
                headers={"Retry-After": "2"},
            )
        log.exception("database error on %s %s", request.method, request.url.path)
        return problem(500, "Internal Server Error", "An unexpected error occurred", type_slug="internal")

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every database connection of this process stayed busy for the whole pool timeout: the process is
        # overloaded. The request never got a connection, so nothing of it was written.
        log.warning("no database connection free on %s %s: %s", request.method, request.url.path, exc)
        return problem(
            503,
            "Service Unavailable",
            "The service is busy right now; nothing of this request was saved. Retry shortly.",
            type_slug="busy",
            instance=request.url.path,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal Server Error", "An unexpected error occurred", type_slug="internal")
