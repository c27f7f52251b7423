# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An invoice of late interest is not subject to VAT (category O): EN 16931 BR-O-02 forbids the seller's
and the buyer's VAT identifiers (BT-31, BT-63, BT-48) on it; the SIRET identifies the seller (BT-30)."""

from odoo import models

from .account_edi_xml_cii import NS


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _chorus_adjust_tree(self, tree, invoice):
        result = super()._chorus_adjust_tree(tree, invoice)
        categories = {code.text for code in tree.iterfind(".//ram:ApplicableTradeTax/ram:CategoryCode", NS)}
        if categories != {"O"}:
            return result
        for party in ("SellerTradeParty", "BuyerTradeParty", "SellerTaxRepresentativeTradeParty"):
            for registration in tree.iterfind(f".//ram:{party}/ram:SpecifiedTaxRegistration", NS):
                if registration.find("ram:ID[@schemeID='VA']", NS) is not None:
                    registration.getparent().remove(registration)
        return result
