"""PISTE OAuth2 client credentials and the ``cpro-account`` technical account header."""

from __future__ import annotations

import base64
import binascii
import secrets

from . import directory, seed
from .answers import Context

ACCOUNT_CHALLENGE = (
    'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
)
TOKEN_CHALLENGE = 'Bearer realm="PISTE",error="invalid_token"'


class Refusal(Exception):  # noqa: N818 - an answer to send, not a bug
    """An authentication failure: HTTP status, JSON body and extra headers."""

    def __init__(self, status: int, body: dict, headers: dict | None = None):
        super().__init__(body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _basic_credentials(authorization: str) -> tuple[str, str]:
    if not authorization.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
    except (binascii.Error, ValueError):
        return "", ""
    client_id, _sep, secret = decoded.partition(":")
    return client_id, secret


def issue_token(ctx: Context, form: dict, authorization: str = "") -> dict:
    """Answer of ``POST /api/oauth/token``; raises :class:`Refusal` like PISTE (HTTP 400)."""
    if form.get("grant_type") != "client_credentials":
        raise Refusal(
            400,
            {"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"},
        )
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if not client_id:
        client_id, secret = _basic_credentials(authorization)
    if not client_id or seed.PISTE_CLIENTS.get(client_id) != secret:
        raise Refusal(400, {"error": "invalid_client", "error_description": "Client authentication failed"})
    token = secrets.token_urlsafe(32)
    lifetime = ctx.config.token_lifetime
    ctx.db.execute(
        "INSERT INTO tokens (token, client_id, expires_at) VALUES (?, ?, ?)",
        (token, client_id, ctx.now + lifetime),
    )
    return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": "openid"}


def check_bearer(ctx: Context, authorization: str, *, expire: bool = False) -> None:
    """Raise a 401 :class:`Refusal` unless a live token is presented. ``expire``: kill it first."""
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    if expire and token:
        ctx.db.execute("UPDATE tokens SET revoked = 1 WHERE token = ?", (token,))
    row = (
        ctx.db.execute("SELECT expires_at, revoked FROM tokens WHERE token = ?", (token,)).fetchone()
        if token
        else None
    )
    if row is None or row["revoked"] or row["expires_at"] <= ctx.now:
        raise Refusal(
            401,
            {"error": "invalid_token", "error_description": "Missing, invalid or expired access token"},
            {"WWW-Authenticate": TOKEN_CHALLENGE},
        )


def technical_account(header: str) -> seed.SeedAccount:
    """The account of a ``cpro-account`` header (base64 of ``login:password``); 401 otherwise."""
    try:
        login, _sep, password = base64.b64decode(header or "", validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError):
        login = password = ""
    account = directory.account(login)
    if account is None or account.password != password:
        raise Refusal(401, {"error": "Unauthorized"}, {"WWW-Authenticate": ACCOUNT_CHALLENGE})
    return account
