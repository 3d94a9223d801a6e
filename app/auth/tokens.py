"""Signed bearer tokens (HS256 JWT). Identity always comes from here, never from a model."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from app.errors import Unauthorized

ISSUER = "bankdesk"
PrincipalKind = Literal["customer", "staff"]


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    kind: PrincipalKind


def issue_token(
    secret: str, *, subject: uuid.UUID, kind: PrincipalKind, ttl: timedelta, now: datetime | None = None
) -> str:
    issued = now or datetime.now(UTC)
    payload = {
        "iss": ISSUER,
        "sub": str(subject),
        "kind": kind,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("The token is invalid") from exc
    kind = payload.get("kind")
    if kind not in ("customer", "staff"):
        raise Unauthorized("The token is invalid")
    try:
        subject = uuid.UUID(str(payload["sub"]))
    except ValueError as exc:
        raise Unauthorized("The token is invalid") from exc
    return TokenClaims(subject=subject, kind=kind)
