# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The kind of public buyer, which sets the legal payment period (CCP R.2192-10 and R.2192-11)."""

import re

from odoo import api, fields, models

BUYER_CATEGORIES = [
    ("state", "State (30 days)"),
    ("local", "Local authority (30 days)"),
    ("public_body", "Other public body (30 days)"),
    ("health", "Public health establishment (50 days)"),
    ("public_company", "Public company (60 days)"),
]
# The directory gives a name, not a legal category: these names say it without doubt.
_NAME_HINTS = (
    ("health", r"\b(CENTRE HOSPITALIER|CHU|CHRU|HOPITAL|HÔPITAL|HOSPICES?|APHP|AP-HP|EPSM)\b"),
    (
        "local",
        r"\b(COMMUNE|MAIRIE|VILLE DE|DEPARTEMENT|DÉPARTEMENT|REGION|RÉGION|METROPOLE|MÉTROPOLE"
        r"|COMMUNAUTE|COMMUNAUTÉ|SYNDICAT|CONSEIL DEPARTEMENTAL|CONSEIL REGIONAL|CCAS)\b",
    ),
    (
        "state",
        r"\b(MINISTERE|MINISTÈRE|PREFECTURE|PRÉFECTURE|DIRECTION REGIONALE|DIRECTION DEPARTEMENTALE|ETAT)\b",
    ),
)


def category_from_name(name):
    """The buyer category a directory name tells, or "public_body" (30 days, the general case)."""
    upper = (name or "").upper()
    return next((category for category, hint in _NAME_HINTS if re.search(hint, upper)), "public_body")


class ResPartner(models.Model):
    _inherit = "res.partner"

    chorus_payment_category = fields.Selection(
        BUYER_CATEGORIES,
        string="Kind of Public Buyer",
        compute="_compute_chorus_payment_category",
        store=True,
        readonly=False,
        help="Sets the legal payment period (Code de la commande publique, R.2192-10 and R.2192-11). "
        "Guessed from the name in the Chorus Pro directory; change it when it is wrong.",
    )

    @api.depends("chorus_is_public", "chorus_structure_id")
    def _compute_chorus_payment_category(self):
        for partner in self:
            if not partner.chorus_is_public:
                partner.chorus_payment_category = False
            elif not partner.chorus_payment_category or partner.chorus_structure_id:
                partner.chorus_payment_category = category_from_name(
                    partner.chorus_structure_id.name or partner.name
                )
