# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Factur-X (PDF/A-3 + EN 16931 CII) deposited on Chorus Pro."""

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..chorus.facturx_reader import import_facturx

FACTURX_LEVEL = "en16931"
FILENAME_PREFIX = "factur-x_"
FILENAME_MAX_LENGTH = 50
INVOICE_REPORT = "account.account_invoices"


class ChorusFacturx(models.AbstractModel):
    _name = "chorus.facturx"
    _description = "Chorus Pro Factur-X Builder"

    def _build_xml(self, move):
        """EN 16931 CII of ``move`` and Odoo's export warnings: ``(bytes, [str])``."""
        cii = self.env["account.edi.xml.cii"].with_context(chorus_facturx=True)
        xml, errors = cii._export_invoice(move)
        return xml, sorted(errors)

    def _xsd_errors(self, xml):
        """Why ``xml`` is not valid against the Factur-X EN 16931 schema (empty list: valid)."""
        facturx = import_facturx()
        try:
            facturx.xml_check_xsd(xml, flavor="factur-x", level=FACTURX_LEVEL)
        except Exception as error:
            return [str(error.__cause__ or error)]
        return []

    def _check_move(self, move):
        """Problems of the Factur-X of ``move``: Odoo's export checks, then the XSD.

        A draft has no number yet (BT-1 is mandatory): only Odoo's checks apply.
        """
        try:
            xml, errors = self._build_xml(move)
        except UserError as error:
            return [error.args[0]]
        if move.state == "draft":
            return errors
        return errors + self._xsd_errors(xml)

    def _filename(self, move):
        number = (move.name or "").replace("/", "-")
        number = number[: FILENAME_MAX_LENGTH - len(FILENAME_PREFIX) - len(".pdf")]
        return f"{FILENAME_PREFIX}{number}.pdf"

    def _build_document(self, move):
        """The Factur-X PDF to deposit: ``{"pdf": bytes, "xml": bytes, "filename": str}``.

        Raises a UserError (listing the errors) rather than produce an invalid file.
        """
        move.ensure_one()
        xml, errors = self._build_xml(move)
        errors += self._xsd_errors(xml)
        if errors:
            raise UserError(
                self.env._(
                    "The Factur-X of %(invoice)s is not valid, it was not sent:\n%(errors)s",
                    invoice=move.display_name,
                    errors="\n".join(f"- {error}" for error in errors),
                )
            )
        facturx = import_facturx()
        pdf = facturx.generate_from_binary(
            self._pdfa_ready(self._render_invoice_pdf(move)),
            xml,
            flavor="factur-x",
            level=FACTURX_LEVEL,
            check_xsd=False,  # just checked, with our own message
            lang="fr-FR",
            attachments=self._embedded_attachments(move),
        )
        return {"pdf": pdf, "xml": xml, "filename": self._filename(move)}

    def _render_invoice_pdf(self, move):
        report = self.env["ir.actions.report"].with_company(move.company_id)
        content, content_type = report._render_qweb_pdf(INVOICE_REPORT, move.ids)
        if content_type == "pdf":
            return content
        raise UserError(
            self.env._("The invoice PDF could not be rendered (got %(type)s).", type=content_type)
        )

    def _pdfa_ready(self, pdf):
        """Add what PDF/A-3 needs and the factur-x library leaves out: an sRGB output intent and a file ID.

        (Odoo's ``convert_to_pdfa`` expects outlines that Debian's wkhtmltopdf does not write.)
        """
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        writer.pdf_header = "%PDF-1.7"
        with file_open("tools/data/files/sRGB2014.icc", mode="rb") as icc_file:
            profile = DecodedStreamObject()
            profile.set_data(icc_file.read())
        profile = profile.flate_encode()
        profile[NameObject("/N")] = NumberObject(3)
        intent = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/OutputIntent"),
                NameObject("/S"): NameObject("/GTS_PDFA1"),
                NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
                NameObject("/DestOutputProfile"): writer._add_object(profile),
            }
        )
        writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
        if not writer._ID:
            writer.generate_file_identifiers()
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    def _embedded_attachments(self, move):
        return {
            attachment.name: {
                "filedata": attachment.raw,
                "description": attachment.description or attachment.name,
                "afrelationship": "supplement",
            }
            for attachment in move.chorus_attachment_ids
        }
