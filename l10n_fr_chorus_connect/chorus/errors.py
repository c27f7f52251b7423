"""Typed errors of the Chorus Pro client.

Callers decide by type, never by parsing messages:

* ``AuthenticationError``: credentials are wrong; ``party`` says whose
  (``"piste"`` = the PISTE application client id/secret, ``"account"`` = the
  Chorus technical account sent in ``cpro-account``). Retrying will not help.
* ``BusinessError``: Chorus answered and refused (``codeRetour`` != 0).
* ``TransportError``: no usable answer (timeout, connection, 5xx, 429,
  unreadable body). On a deposit, ``outcome_unknown`` is True when the file may
  have reached Chorus: the caller must reconcile before depositing again.
"""

from __future__ import annotations


class ChorusError(Exception):
    """Base of every error raised by :mod:`chorus.client`."""

    def __init__(self, message: str, *, endpoint: str = ""):
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint


class AuthenticationError(ChorusError):
    """Credentials refused. ``party`` is ``"piste"`` or ``"account"``."""

    PISTE = "piste"
    ACCOUNT = "account"

    def __init__(self, message: str, *, party: str, endpoint: str = "", detail: str = ""):
        super().__init__(message, endpoint=endpoint)
        self.party = party
        self.detail = detail


class AccessDeniedError(ChorusError):
    """HTTP 403: the PISTE application is not subscribed to this API, or the route does not exist."""


class BusinessError(ChorusError):
    """Chorus processed the call and refused it (``codeRetour`` != 0)."""

    def __init__(self, message: str, *, code: int, label: str, endpoint: str = "", http_status: int = 200):
        super().__init__(message, endpoint=endpoint)
        self.code = code
        self.label = label
        self.http_status = http_status


class FileTooLargeError(BusinessError):
    """Over the size ``deposer/flux`` takes: refused before sending (``size``, ``limit`` in bytes)."""

    def __init__(self, message: str, *, size: int, limit: int, endpoint: str = ""):
        super().__init__(message, code=20001, label=message, endpoint=endpoint, http_status=0)
        self.size = size
        self.limit = limit


class NotFoundError(BusinessError):
    """The searched object does not exist (unknown flow, empty search answered as an error)."""


class TransportError(ChorusError):
    """No usable answer. ``outcome_unknown``: the request may have been processed."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        outcome_unknown: bool = False,
        http_status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, endpoint=endpoint)
        self.outcome_unknown = outcome_unknown
        self.http_status = http_status
        self.retry_after = retry_after


class RequestTimeoutError(TransportError):
    """The server did not answer in time."""


class ConnectionFailedError(TransportError):
    """Connection refused, reset or dropped."""


class ServerError(TransportError):
    """HTTP 5xx."""


class RateLimitedError(TransportError):
    """HTTP 429; ``retry_after`` holds the server's Retry-After in seconds when given."""


class MalformedAnswerError(TransportError):
    """The server answered 2xx with a body that is not the expected JSON."""
