"""HTTP client of the token vendor, contract v2 (readme/VENDOR_API.rst).

The vendor sells packs of Chorus Pro tokens. A customer registers once (trust on first use) and
then authenticates every call with ``Authorization: Bearer <customer_id>.<secret>``. Ordering
answers a payment link; once paid, reading the order answers a voucher signed with Ed25519
(:mod:`chorus.vouchers` verifies it), which the customer redeems before crediting it. This module
only moves JSON: it trusts nothing it reads.

Errors carry the vendor's ``code`` (``unknown_customer``, ``bad_secret``, ``already_registered``,
``unknown_pack``, ``unknown_order``, ``unknown_voucher``, ``not_your_order``, ``payment_unavailable``,
``revoked``, ``rate_limited``, ``bad_request``, ``unavailable``, ``request_id_reused``) or
``unreachable`` when no usable answer came back:
:class:`VendorUnreachableError` for no answer or 5xx (nothing was bought as far as the caller
knows), :class:`VendorRefusedError` for a 4xx.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

import requests

from .client import failed_before_sending

API_PREFIX = "/vendor/v2"
DEFAULT_TIMEOUT = 15.0
UNREACHABLE = "unreachable"
REGISTRATION_FIELDS = (
    "database_uuid",
    "company_id",
    "company_name",
    "siret",
    "vat",
    "email",
    "country_code",
    "street",
    "zip",
    "city",
)


class VendorError(Exception):
    """``outcome_unknown``: the request may have reached the vendor and been processed (no answer,
    or an answer that is not the vendor's own): only a retry with the same ``request_id`` tells."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = UNREACHABLE,
        retry_after=None,
        outcome_unknown: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


def new_request_id() -> str:
    """A random idempotency key for an order (32 hexadecimal characters)."""
    return uuid.uuid4().hex


class VendorUnreachableError(VendorError):
    """No usable answer from the vendor, or the vendor is unavailable (5xx)."""


class VendorRefusedError(VendorError):
    """The vendor answered and refused the request (4xx)."""


class TokenVendorClient:
    """``credentials``: ``(customer_id, secret)`` once registered; ``None`` for public calls."""

    def __init__(self, base_url: str, *, credentials=None, timeout: float = DEFAULT_TIMEOUT, session=None):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.session = session or requests.Session()

    def _request(self, method: str, path: str, payload: dict | None = None, *, auth: bool = True) -> dict:
        url = f"{self.base_url}{API_PREFIX}/{path}"
        headers = {"Accept": "application/json"}
        if auth:
            if not self.credentials:
                raise VendorRefusedError("not registered at the token vendor", code="unknown_customer")
            customer_id, secret = self.credentials
            headers["Authorization"] = f"Bearer {customer_id}.{secret}"
        try:
            response = self.session.request(method, url, json=payload, headers=headers, timeout=self.timeout)
        except requests.ConnectTimeout as err:
            raise VendorUnreachableError(
                f"the token vendor cannot be reached (no connection in {self.timeout:g} s)"
            ) from err
        except requests.Timeout as err:
            raise VendorUnreachableError(
                f"the token vendor did not answer in {self.timeout:g} s", outcome_unknown=True
            ) from err
        except requests.RequestException as err:
            raise VendorUnreachableError(
                f"the token vendor cannot be reached ({type(err).__name__})",
                outcome_unknown=not failed_before_sending(err),
            ) from err
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise VendorUnreachableError(
                f"the token vendor gave no usable answer (HTTP {response.status_code})",
                status=response.status_code,
                outcome_unknown=True,  # a proxy's 502/504 page, a truncated answer...
            )
        if response.status_code >= 400:
            error_class = VendorUnreachableError if response.status_code >= 500 else VendorRefusedError
            default_code = UNREACHABLE if response.status_code >= 500 else "bad_request"
            raise error_class(
                str(body.get("error") or response.reason),
                status=response.status_code,
                code=str(body.get("code") or default_code),
                retry_after=response.headers.get("Retry-After"),
            )
        return body

    def packs(self) -> dict:
        """``{"currency", "vat_rate", "packs": [{"code", "tokens", "amount_untaxed", ...}]}``."""
        body = self._request("GET", "packs", auth=False)
        if not isinstance(body.get("packs"), list):
            raise VendorUnreachableError("the token vendor answered a price list without packs")
        return body

    def register(self, customer: dict) -> dict:
        """``{"customer_id", "secret", "company_ref"}``: the credentials of this company, once."""
        body = self._request(
            "POST", "customers", {key: customer.get(key, "") for key in REGISTRATION_FIELDS}, auth=False
        )
        if not body.get("customer_id") or not body.get("secret") or not body.get("company_ref"):
            raise VendorUnreachableError("the token vendor answered a registration without credentials")
        return body

    def create_order(self, *, pack_code: str, environment: str, request_id: str | None = None) -> dict:
        """The order of ``request_id``: ``{"order_id", "status", "payment_url", "tokens", "amount_*", ...}``.

        ``request_id`` is the idempotency key (contract v2 §3): posting it again answers the same
        order, never a second one; a new random key when not given."""
        payload = {"pack_code": pack_code, "environment": environment}
        body = self._request("POST", "orders", {**payload, "request_id": request_id or new_request_id()})
        if not body.get("order_id") or not body.get("payment_url"):
            raise VendorUnreachableError("the token vendor answered an order without id or payment link")
        return body

    def order_status(self, order_id: str) -> dict:
        """``{"status", "voucher", "invoice", ...}`` of an order; ``voucher`` is set once it is paid."""
        return self._request("GET", f"orders/{quote(order_id, safe='')}")

    def redeem(self, voucher_id: str) -> dict:
        """Tell the vendor the voucher is used; answers ``{"status": "redeemed"}`` (idempotent)."""
        return self._request("POST", f"vouchers/{quote(voucher_id, safe='')}/redeem", {})

    def corrections(self, after: str = "") -> list:
        """The refund vouchers issued after voucher ``after``, oldest first."""
        body = self._request("GET", f"corrections?after={quote(after or '', safe='')}")
        corrections = body.get("corrections")
        if not isinstance(corrections, list):
            raise VendorUnreachableError("the token vendor answered corrections without a list")
        return corrections
