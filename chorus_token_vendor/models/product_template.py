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
