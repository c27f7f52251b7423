# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The billing framework and its parties in the Factur-X (see chorus/frameworks.py for the sources).

* BT-23 ``ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter/ID`` = the short
  code (``A9``), always written, A1 included, so that the buyer never guesses;
* the main contractor (validator of A9, A12…) and the project manager (works drafts) as invoice notes
  (BG-1, subject code AAI), EN 16931 having no party for them: where Chorus Pro reads them in a
  Factur-X was not found in public sources (see frameworks.py).
"""

from lxml import etree

from odoo import models

from ..chorus import frameworks
from .account_edi_xml_cii import NS, RAM


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _chorus_adjust_tree(self, tree, invoice):
        result = super()._chorus_adjust_tree(tree, invoice)
        entry = invoice._chorus_framework_entry()
        self._chorus_set_business_process(tree, entry.short)
        (main_siret, main_service), (moe_siret, moe_service) = invoice._chorus_framework_parties()
        if entry.main_contractor:
            self._chorus_note_party(tree, frameworks.MAIN_CONTRACTOR_NOTE, main_siret, main_service)
        if entry.moe:
            self._chorus_note_party(tree, frameworks.MOE_NOTE, moe_siret, moe_service)
        return result

    def _chorus_set_business_process(self, tree, short):
        context = tree.find("rsm:ExchangedDocumentContext", NS)
        for node in context.findall("ram:BusinessProcessSpecifiedDocumentContextParameter", NS):
            context.remove(node)
        parameter = etree.Element(f"{{{RAM}}}BusinessProcessSpecifiedDocumentContextParameter")
        etree.SubElement(parameter, f"{{{RAM}}}ID").text = short
        # Schema order: TestIndicator?, BusinessProcessSpecifiedDocumentContextParameter?, Guideline...
        context.find("ram:GuidelineSpecifiedDocumentContextParameter", NS).addprevious(parameter)

    def _chorus_note_party(self, tree, template, siret, service):
        document = tree.find("rsm:ExchangedDocument", NS)
        note = etree.SubElement(document, f"{{{RAM}}}IncludedNote")
        etree.SubElement(note, f"{{{RAM}}}Content").text = frameworks.party_note(template, siret, service)
        etree.SubElement(note, f"{{{RAM}}}SubjectCode").text = frameworks.PARTY_NOTE_SUBJECT
