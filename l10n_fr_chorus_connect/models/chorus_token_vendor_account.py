# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The credentials a company received when it registered at a token vendor (contract v2).

One row per company and vendor address (the sandbox vendor and the publisher's are different
vendors). The vendor trusts the first registration of a company and refuses any other
(``already_registered``): the secret is the company's only key to its orders, so it is readable
by system administrators only (access rights and field groups) and the code reads it with sudo
after ``check_chorus_access``/``_check_manager``.
"""

from odoo import api, fields, models

from ..chorus.identifiers import compact_siret


class ChorusTokenVendorAccount(models.Model):
    _name = "chorus.token.vendor.account"
    _description = "Chorus Pro Token Vendor Account"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade", index=True)
    vendor_url = fields.Char(required=True, readonly=True, help="Base URL of the vendor this account is at.")
    customer_id = fields.Char(required=True, readonly=True, groups="base.group_system")
    secret = fields.Char(required=True, readonly=True, groups="base.group_system")
    company_ref = fields.Char(readonly=True, help="How the vendor names this company in its vouchers.")
    last_correction = fields.Char(
        readonly=True, help="Identifier of the last correction voucher applied (where the next poll starts)."
    )

    _company_vendor_uniq = models.Constraint(
        "unique(company_id, vendor_url)", "A company has one account per token vendor."
    )

    @api.model
    def _registration(self, company):
        """What the vendor asks on first contact (contract v2 §2): who the customer is, for its invoices."""
        partner = company.partner_id
        siret = compact_siret(company.company_registry)
        return {
            "database_uuid": self.env["ir.config_parameter"].sudo().get_param("database.uuid", ""),
            "company_id": company.id,
            "company_name": company.name,
            "siret": siret if len(siret) == 14 and siret.isdigit() else "",
            "vat": company.vat or "",
            "email": company.email or partner.email or "",
            "country_code": company.country_id.code or "",
            "street": company.street or "",
            "zip": company.zip or "",
            "city": company.city or "",
        }
