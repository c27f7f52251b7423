# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tokens of a company: its wallet per Chorus Pro environment and where its token vendor is."""

import logging
from urllib.parse import quote as url_quote

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.sandbox import inprocess
from ..chorus.sandbox import vendor as sandbox_vendor
from ..chorus.token_vendor import TokenVendorClient, VendorRefusedError

_logger = logging.getLogger(__name__)

VENDOR_URL_PARAM = "l10n_fr_chorus_connect.vendor_url"
# The sandbox vendor's payment page, served to Chorus administrators (controllers/sandbox_vendor.py).
SANDBOX_PAYMENT_ROUTE = "/chorus_connect/sandbox_vendor/pay"


class ResCompany(models.Model):
    _inherit = "res.company"

    chorus_token_low_threshold = fields.Integer(
        string="Low Token Balance Alert",
        default=10,
        help="Chorus Pro administrators are alerted when the token balance goes down to this number.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        wallets = self.env["chorus.token.wallet"]
        wallets._ensure_for_companies(companies, "production")  # the welcome grant, whatever the environment
        wallets._ensure_for_companies(companies)
        return companies

    @api.ondelete(at_uninstall=False)
    def _unlink_except_chorus_tokens_used(self):
        used = (
            self.env["chorus.token.ledger"]
            .sudo()
            .search_count([("company_id", "in", self.ids), ("kind", "!=", "grant")], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "A company that bought or used Chorus Pro tokens cannot be deleted: its token ledger is "
                    "kept."
                )
            )

    def _chorus_wallet(self, environment=None):
        """The token wallet (superuser) of this company for ``environment``, by default its current one,
        created with its grant if missing. Deposits hold and settle on it."""
        self.ensure_one()
        return self.env["chorus.token.wallet"].sudo()._ensure_for_companies(self, environment)

    def _chorus_vendor_url(self, environment=None):
        """Sandbox: the vendor the sandbox plays. Otherwise the vendor service configured for the database."""
        self.ensure_one()
        if (environment or self.chorus_environment) == "sandbox":
            return self._chorus_sandbox_base_url()
        url = self.env["ir.config_parameter"].sudo().get_param(VENDOR_URL_PARAM)
        if not url:
            raise UserError(
                self.env._(
                    "The address of the token vendor is not configured (system parameter %(param)s).",
                    param=VENDOR_URL_PARAM,
                )
            )
        return url.rstrip("/")

    def _chorus_vendor_session(self, environment=None):
        """Sandbox: the session reaching the in-process vendor (None: plain HTTP)."""
        self.ensure_one()
        if (environment or self.chorus_environment) != "sandbox":
            return None
        return self._chorus_sandbox_session()

    def _chorus_vendor_payment_link(self, vendor_order, payment_url):
        """Where the browser pays: the in-process sandbox vendor is only reachable through Odoo."""
        self.ensure_one()
        if payment_url.startswith(inprocess.BASE_URL + "/"):
            return f"{SANDBOX_PAYMENT_ROUTE}/{url_quote(vendor_order, safe='')}"
        return payment_url

    def _chorus_vendor_company_ref(self):
        """How the vendor knows this company: database and company, so a voucher fits one wallet only."""
        self.ensure_one()
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"{uuid}:{self.id}"

    def _chorus_vendor_client(self, environment=None, *, register=True):
        """The vendor client of this company for ``environment``, with its credentials (superuser).

        First contact registers the company (contract v2 §2) and keeps the credentials; the caller
        must not roll back afterwards, or the vendor would refuse the next registration.
        """
        self.ensure_one()
        environment = environment or self.chorus_environment
        url = self._chorus_vendor_url(environment)
        client = TokenVendorClient(url, session=self._chorus_vendor_session(environment))
        account = self._chorus_vendor_account(url)
        if not account and register:
            account = self._chorus_vendor_register(client, url)
        if account:
            client.credentials = (account.customer_id, account.secret)
        return client

    def _chorus_vendor_account(self, url):
        self.ensure_one()
        return (
            self.env["chorus.token.vendor.account"]
            .sudo()
            .search([("company_id", "=", self.id), ("vendor_url", "=", url)], limit=1)
        )

    def _chorus_vendor_register(self, client, url):
        accounts = self.env["chorus.token.vendor.account"].sudo()
        registration = accounts._registration(self)
        try:
            answer = client.register(registration)
        except VendorRefusedError as error:
            app = getattr(client.session, "app", None)
            if error.code != "already_registered" or app is None:
                raise
            # The in-process sandbox is this database's own simulator: it outlives rolled back
            # transactions and restored backups, so the company is its own publisher and resets itself.
            with app.store.transaction() as db:
                sandbox_vendor.forget_customer(db, self._chorus_vendor_company_ref())
            answer = client.register(registration)
        return accounts.create(
            {
                "company_id": self.id,
                "vendor_url": url,
                "customer_id": answer["customer_id"],
                "secret": answer["secret"],
                "company_ref": answer["company_ref"],
            }
        )

    def _chorus_vendor_call(self, environment, call):
        """``call(client)``. ``unknown_customer``: the publisher reset this company's registration
        (back-office « Réinitialiser l'enregistrement », or a reset sandbox): the stored credentials
        are dropped, the company registers again (trust on first use: only the publisher can cause
        this) and the call is made once more. ``bad_secret`` is not retried: the vendor still knows
        the company, with another secret."""
        self.ensure_one()
        environment = environment or self.chorus_environment
        client = self._chorus_vendor_client(environment)
        try:
            return call(client)
        except VendorRefusedError as error:
            if error.code != "unknown_customer":
                raise
        _logger.info("Token vendor %s forgot company %s: registering again", client.base_url, self.id)
        self._chorus_vendor_account(client.base_url).unlink()
        return call(self._chorus_vendor_client(environment))
