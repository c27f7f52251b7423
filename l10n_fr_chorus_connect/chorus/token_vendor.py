"""HTTP client of the token vendor (readme/VENDOR_API.md): create an order, read it back.

The vendor sells packs of Chorus Pro tokens. Ordering answers a payment link; once the
customer paid, reading the order answers a voucher signed with Ed25519, which
:mod:`chorus.vouchers` verifies. This module only moves JSON: it trusts nothing it reads.

Errors: :class:`VendorUnreachableError` when no usable answer came back (connection, timeout,
5xx, unreadable body: nothing was bought as far as the caller knows), :class:`VendorRefusedError`
when the vendor answered 4xx with ``{"error": ...}``.
"""

from __future__ import annotations

import requests

DEFAULT_TIMEOUT = 15.0


class VendorError(Exception):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class VendorUnreachableError(VendorError):
    """No usable answer from the vendor."""


class VendorRefusedError(VendorError):
    """The vendor answered and refused the request (4xx)."""


class TokenVendorClient:
    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def _request(self, method: str, path: str, payload: dict | None = None) -> dict:
        url = f"{self.base_url}/vendor/v1/{path}"
        try:
            response = self.session.request(method, url, json=payload, timeout=self.timeout)
        except requests.Timeout as err:
            raise VendorUnreachableError(f"the token vendor did not answer in {self.timeout:g} s") from err
        except requests.RequestException as err:
            raise VendorUnreachableError(
                f"the token vendor cannot be reached ({type(err).__name__})"
            ) from err
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 500 or body is None or not isinstance(body, dict):
            raise VendorUnreachableError(
                f"the token vendor gave no usable answer (HTTP {response.status_code})",
                status=response.status_code,
            )
        if response.status_code >= 400:
            raise VendorRefusedError(str(body.get("error") or response.reason), status=response.status_code)
        return body

    def create_order(
        self, *, company_ref: str, pack_code: str, tokens: int, amount, currency: str = "EUR"
    ) -> dict:
        """``{"order_id", "payment_url", "status"}`` of a new order."""
        body = self._request(
            "POST",
            "orders",
            {
                "company_ref": company_ref,
                "pack_code": pack_code,
                "tokens": tokens,
                "amount": str(amount),
                "currency": currency,
            },
        )
        if not body.get("order_id") or not body.get("payment_url"):
            raise VendorUnreachableError("the token vendor answered an order without id or payment link")
        return body

    def order_status(self, order_id: str) -> dict:
        """``{"status", "voucher"?}`` of an order; ``voucher`` appears once it is paid."""
        return self._request("GET", f"orders/{requests.utils.quote(order_id, safe='')}")
