import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

# The secret is 32 random bytes, not a password: PBKDF2 with a per-customer salt and a modest
# iteration count is enough to make a leaked table useless, and keeps every API call fast.
HASH_ITERATIONS = 20000


def hash_secret(secret, salt):
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), HASH_ITERATIONS).hex()


class ChorusVendorCustomer(models.Model):
    """One customer database and company, registered on first use (vendor API v2)."""

    _name = "chorus.vendor.customer"
    _description = "Token Vendor Customer"
    _order = "id desc"
    _rec_name = "customer_ref"

    customer_ref = fields.Char(string="Customer ID", required=True, readonly=True, index=True)
    company_ref = fields.Char(
        string="Company Reference", required=True, readonly=True, help="<database uuid>:<company id>"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    secret_salt = fields.Char(readonly=True, groups="base.group_system")
    secret_hash = fields.Char(readonly=True, groups="base.group_system")
    active = fields.Boolean(default=True)
    registered_ip = fields.Char(string="Registered From", readonly=True)
    order_ids = fields.One2many("sale.order", "chorus_vendor_customer_id", string="Orders")
    voucher_ids = fields.One2many("chorus.vendor.voucher", "customer_id", string="Vouchers")

    _customer_ref_unique = models.Constraint("UNIQUE(customer_ref)", "A customer ID is unique.")
    # Trust on first use: one live registration per company_ref (archived ones are resets).
    _company_ref_active = models.UniqueIndex("(company_ref) WHERE active")

    @api.model
    def _register_customer(self, values, ip):
        """Create the partner and the credentials; return (customer, clear secret)."""
        company_ref = f"{values['database_uuid']}:{values['company_id']}"
        if self.with_context(active_test=True).search_count([("company_ref", "=", company_ref)]):
            return self.browse(), None
        country = self.env["res.country"].search([("code", "=", values["country_code"])], limit=1)
        # After a reset the company keeps its contact (orders, invoices); its address is refreshed.
        previous = self.with_context(active_test=False).search(
            [("company_ref", "=", company_ref), ("active", "=", False)], limit=1
        )
        partner = previous.partner_id or self.env["res.partner"].create({"name": values["company_name"]})
        partner.write(
            {
                "name": values["company_name"],
                "is_company": True,
                "email": values["email"] or False,
                "vat": values["vat"] or False,
                "company_registry": values["siret"] or False,
                "street": values["street"] or False,
                "zip": values["zip"] or False,
                "city": values["city"] or False,
                "country_id": country.id or False,
                "comment": company_ref,
                # Payment page, invoice and e-mails in the customer's language (French for a French
                # company, once the publisher loaded it); else the database's default.
                **({"lang": "fr_FR"} if values["country_code"] == "FR" and self._french_active() else {}),
            }
        )
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_hex(16)
        customer = self.create(
            {
                "customer_ref": f"CUS-{secrets.token_hex(8)}",
                "company_ref": company_ref,
                "partner_id": partner.id,
                "secret_salt": salt,
                "secret_hash": hash_secret(secret, salt),
                "registered_ip": ip,
            }
        )
        return customer, secret

    def _french_active(self):
        return bool(self.env["res.lang"].search_count([("code", "=", "fr_FR"), ("active", "=", True)]))

    @api.model
    def _authenticate(self, authorization):
        """The active customer of a ``Bearer <customer_id>.<secret>`` header, or ('', code)."""
        scheme, _sep, credentials = (authorization or "").partition(" ")
        customer_ref, _sep, secret = credentials.strip().partition(".")
        if scheme.lower() != "bearer" or not customer_ref or not secret:
            return self.browse(), "bad_secret"
        customer = self.search([("customer_ref", "=", customer_ref)], limit=1)
        if not customer:
            return customer, "unknown_customer"
        expected = customer.secret_hash or ""
        if not hmac.compare_digest(hash_secret(secret, customer.secret_salt), expected):
            return self.browse(), "bad_secret"
        return customer, None

    def action_reset_registration(self):
        """Back-office: let this company register again (new database, lost secret)."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(self.env._("Only sales administrators can reset a registration."))
        self.write({"active": False})
        return True
