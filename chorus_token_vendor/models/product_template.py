from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    chorus_vendor_pack_code = fields.Char(
        string="Chorus Token Pack", copy=False, index="btree_not_null", help="Code served by /vendor/v2/packs"
    )
    chorus_vendor_tokens = fields.Integer(string="Tokens in the Pack", copy=False)

    _chorus_vendor_pack_code_unique = models.Constraint(
        "UNIQUE(chorus_vendor_pack_code)", "A token pack code is sold by one product only."
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _chorus_vendor_packs(self, company, pack_code=None):
        """The packs on sale, each carrying the company's sale tax (French VAT with l10n_fr).

        The chart of accounts may be loaded after this addon (same install run): a pack without a
        tax of the company gets the company's default sale tax here, once.
        """
        domain = [("chorus_vendor_pack_code", "!=", False), ("sale_ok", "=", True)]
        if pack_code:
            domain.append(("chorus_vendor_pack_code", "=", pack_code))
        packs = self.search(domain, order="chorus_vendor_tokens")
        untaxed = packs.filtered(
            lambda pack: not pack.taxes_id.filtered(lambda tax: tax.company_id == company)
        )
        if untaxed and company.account_sale_tax_id:
            untaxed.sudo().write({"taxes_id": [(4, company.account_sale_tax_id.id)]})
        return packs
