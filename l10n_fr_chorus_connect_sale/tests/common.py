# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Base class of the sales tests: the main addon's sandbox company, buyers read from the directory."""

from odoo import Command

from odoo.addons.l10n_fr_chorus_connect.tests.common import (
    SIRET_COMMUNE,
    SIRET_HOSPITAL,
    SIRET_PUBLIC_BODY,
    ChorusSandboxCase,
)


class ChorusSaleCase(ChorusSandboxCase):
    """``ChorusSandboxCase`` plus a product and the directory of the commune, the public body
    (engagement required) and the hospital (service or engagement; SERV-PHARMA needs an engagement)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_salesman_all_leads")
        cls.product = cls.env["product.product"].create(
            {
                "name": "Crèche: accueil mensuel",
                "type": "service",
                "list_price": 1000.0,
                "invoice_policy": "order",
            }
        )
        cls.public_body = cls.buyers[SIRET_PUBLIC_BODY]
        cls.hospital = cls.buyers[SIRET_HOSPITAL]
        (cls.public_partner | cls.public_body | cls.hospital)._chorus_fetch_directory()
        cls.commune_structure = cls.env["chorus.structure"].search([("siret", "=", SIRET_COMMUNE)])

    @classmethod
    def create_order(cls, partner, **values):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1})],
                **values,
            }
        )
