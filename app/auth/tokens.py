"""Signed bearer tokens (HS256 JWT). Identity always comes from here, never from a model.

Every token names its audience (``bankdesk:customer`` or ``bankdesk:staff``, matching its ``kind``) and
lives at most ``MAX_TOKEN_LIFETIME``; a token without an audience, with a longer lifetime or issued in the
future (beyond ``IAT_LEEWAY`` of clock skew) is refused, whoever signed it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from agents.memo import TextMemo
from app.errors import Unauthorized

ISSUER = "bankdesk"
PrincipalKind = Literal["customer", "staff"]
AUDIENCES: dict[PrincipalKind, str] = {"customer": "bankdesk:customer", "staff": "bankdesk:staff"}
MAX_TOKEN_LIFETIME = timedelta(hours=24)
IAT_LEEWAY = timedelta(seconds=30)


@dataclass(frozen=True)
class TokenClaims:
    subject: uuid.UUID
    kind: PrincipalKind


def issue_token(
    secret: str, *, subject: uuid.UUID, kind: PrincipalKind, ttl: timedelta, now: datetime | None = None
) -> str:
    if not timedelta(0) < ttl <= MAX_TOKEN_LIFETIME:
        raise ValueError(f"a token's lifetime must be more than 0 and at most {MAX_TOKEN_LIFETIME}")
    issued = now or datetime.now(UTC)
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCES[kind],
        "sub": str(subject),
        "kind": kind,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm="HS256")


@dataclass(frozen=True)
class _Verified:
    """A token whose signature and timeless claims were checked, with the secret that checked it."""

    secret: str
    claims: TokenClaims
    iat: int
    exp: int


# Tokens already verified: a client sends the same token with every request, and each request reads it
# twice (the request log and the route). Only the signature and the claims that do not change with time are
# taken from here; expiry and issue time are checked against the clock on every call.
_VERIFIED: TextMemo[_Verified] = TextMemo(max_chars=4096, max_texts=4096)


def decode_token(secret: str, token: str, *, now: datetime | None = None) -> TokenClaims:
    """Verify signature, issuer, audience, expiry and lifetime; raise ``Unauthorized`` otherwise."""
    current = (now or datetime.now(UTC)).timestamp()
    known = _VERIFIED.get(token)
    if known is None or known.secret != secret:
        known = _verify(secret, token, now=now)
        _VERIFIED.keep(token, known)
    if known.exp <= current:
        raise Unauthorized("The token has expired")
    if known.iat > current + IAT_LEEWAY.total_seconds():
        raise Unauthorized("The token was issued in the future")
    return known.claims


def _verify(secret: str, token: str, *, now: datetime | None) -> _Verified:
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience=list(AUDIENCES.values()),
            options={"require": ["exp", "iat", "sub", "iss", "aud"], "verify_iat": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("The token is invalid") from exc
    kind = payload.get("kind")
    if kind not in ("customer", "staff") or payload.get("aud") != AUDIENCES[kind]:
        raise Unauthorized("The token is invalid")
    iat, exp = payload["iat"], payload["exp"]
    if not isinstance(iat, int) or not isinstance(exp, int) or isinstance(iat, bool):
        raise Unauthorized("The token is invalid")
    current = (now or datetime.now(UTC)).timestamp()
    if iat > current + IAT_LEEWAY.total_seconds():
        raise Unauthorized("The token was issued in the future")
    if exp - iat > MAX_TOKEN_LIFETIME.total_seconds():
        raise Unauthorized(f"The token's lifetime exceeds the maximum of {MAX_TOKEN_LIFETIME}")
    try:
        subject = uuid.UUID(str(payload["sub"]))
    except ValueError as exc:
        raise Unauthorized("The token is invalid") from exc
    return _Verified(secret, TokenClaims(subject=subject, kind=kind), iat, exp)
