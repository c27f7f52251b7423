"""``SandboxControl``: the control API of a running sandbox, over HTTP, for tests and demos."""

from __future__ import annotations

import requests


class SandboxControlError(RuntimeError):
    """The control API refused a command."""


class SandboxControl:
    """Steer a sandbox at ``base_url`` (the URL the sandbox routes hang from)."""

    def __init__(self, base_url: str, *, session: requests.Session | None = None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def close(self) -> None:
        self.session.close()

    def call(self, command: str, **payload) -> dict:
        response = self.session.post(
            f"{self.base_url}/_sandbox/{command}", json=payload, timeout=self.timeout
        )
        if response.status_code != 200:
            raise SandboxControlError(f"{command}: HTTP {response.status_code} {response.text}")
        return response.json()

    def reset(self) -> dict:
        """Wipe flows, invoices, tokens, faults, scenarios, stats, orders; clock back to wall time."""
        return self.call("reset")

    def fault(self, fault: str, route: str = "*", times: int = 1, **params) -> dict:
        """Inject ``fault`` on the next ``times`` calls of ``route`` (see :mod:`.faults`)."""
        return self.call("faults", fault=fault, route=route, times=times, **params)

    def clear_faults(self) -> dict:
        return self.call("faults/clear")

    def faults(self) -> list[dict]:
        return self.call("faults/list")["faults"]

    def advance(self, seconds: float) -> dict:
        """Move the sandbox clock forward; flows and lifecycles follow."""
        return self.call("clock", advance=seconds)

    def now(self) -> dict:
        return self.call("clock", advance=0)

    def scenario(self, invoice_number: str, scenario: str) -> dict:
        return self.call("scenario", invoice_number=invoice_number, scenario=scenario)

    def set_status(
        self, chorus_id: int | None = None, status: str = "", comment: str = "", *, invoice_number=None
    ):
        """The buyer sets ``status`` now (by ``chorus_id``, or the latest invoice with that number)."""
        payload = {"status": status, "comment": comment}
        if chorus_id is not None:
            payload["chorus_id"] = chorus_id
        else:
            payload["invoice_number"] = invoice_number
        return self.call("invoices/status", **payload)

    def stats(self) -> dict:
        """``{route: number of calls}`` since the last reset."""
        return self.call("stats")["calls"]

    def clear_stats(self) -> dict:
        return self.call("stats/clear")

    def configure(self, *, flow_delay: float | None = None, step_delay: float | None = None) -> dict:
        """Change the delays (they apply to flows deposited afterwards)."""
        payload = {
            key: value
            for key, value in (("flow_delay", flow_delay), ("step_delay", step_delay))
            if value is not None
        }
        return self.call("config", **payload)

    def pay_order(self, order_id: str) -> dict:
        return self.call("vendor/pay", order_id=order_id)

    def refund_order(self, order_id: str) -> dict:
        """Refund a paid order: voucher revoked if unused, else a refund voucher in the corrections."""
        return self.call("vendor/refund", order_id=order_id)

    def forget_vendor_customer(self, company_ref: str) -> dict:
        return self.call("vendor/customers/forget", company_ref=company_ref)

    def configure_vendor(self, **settings) -> dict:
        """``payment_available``, ``rate_limited``, ``prices``: see ``control.configure_vendor``."""
        return self.call("vendor/config", **settings)
