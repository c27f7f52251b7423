# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Factur-X (PDF/A-3 + EN 16931 CII) deposited on Chorus Pro."""

import importlib.metadata
import io
import re

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

from ..chorus import en16931
from ..chorus.facturx_reader import import_facturx
from .chorus_facturx_rules import explain

FACTURX_LEVEL = "en16931"
FILENAME_PREFIX = "factur-x_"
FILENAME_MAX_LENGTH = 50
INVOICE_REPORT = "account.account_invoices"

# lxml's XML Schema messages, as factur-x passes them on.
ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([\w-]+)'")
EXPECTED = re.compile(r"Expected is(?: one of)? \(\s*([^)]*)\)")
LOCAL_NAME = re.compile(r"(?:\{[^}]*\})?([\w-]+)")


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

    def _explain_xsd(self, error):
        """A schema error of the Factur-X in words; other messages (Odoo's own checks) unchanged."""
        element = ELEMENT.search(error or "")
        if not element:
            return error
        name = element.group(1)
        expected = EXPECTED.search(error)
        expected_names = (
            ", ".join(LOCAL_NAME.findall(expected.group(1).replace(",", " "))) if expected else ""
        )
        if "Missing child element" in error:
            return self.env._(
                "the element %(element)s lacks %(expected)s in the generated XML.",
                element=name,
                expected=expected_names or "?",
            )
        if "not expected" in error:
            return self.env._(
                "the element %(element)s is not allowed at this place of the generated XML "
                "(expected: %(expected)s).",
                element=name,
                expected=expected_names or "?",
            )
        if "is not a valid value" in error or "facet" in error:
            return self.env._(
                "the value of %(element)s does not have the format the standard requires "
                "(empty, too long or wrongly written).",
                element=name,
            )
        return self.env._(
            "the element %(element)s does not follow the Factur-X schema.",
            element=name,
        )

    def _schematron_problems(self, xml):
        """Problems the EN 16931 schematron finds in ``xml``, as pre-flight problems (plain language)."""
        try:
            violations = en16931.shared().check(xml)
        except en16931.SchematronUnavailable as error:
            return [
                {
                    "field": "",
                    "message": self.env._(
                        "The EN 16931 check of the Factur-X could not run: %(error)s", error=error
                    ),
                    "fix": self.env._("Install saxonche (requirements.txt of the module), then try again."),
                    "blocking": True,
                }
            ]
        problems = []
        for violation in violations:
            field, message, fix = explain(violation, self.env.lang)
            problems.append({"field": field, "message": message, "fix": fix, "blocking": violation.blocking})
        return problems

    def _check_move(self, move):
        """Problems of the Factur-X of ``move`` (pre-flight dicts): Odoo's checks and the XSD.

        Cheap enough for the invoice form; the schematron runs when the document is built (at
        deposit, before any token is held) and on demand (:meth:`_inspect`).
        """
        return self._inspect(move, schematron=False)["problems"]

    def _inspect(self, move, schematron=True):
        """The CII of ``move`` and its problems: ``{"xml": bytes, "problems": [dict], "verdict": str}``.

        A draft has no number yet (BT-1 is mandatory): only Odoo's checks apply.
        """
        try:
            xml, errors = self._build_xml(move)
        except UserError as error:
            xml, errors = b"", [error.args[0]]
        if xml and move.state != "draft" and not errors:
            # After one of Odoo's own checks failed, a schema error only repeats it in XML terms.
            errors = self._xsd_errors(xml)
        problems = [
            {
                "field": "",
                "message": self.env._(
                    "The Factur-X of this invoice is not valid: %(error)s", error=self._explain_xsd(error)
                ),
                "fix": self.env._("Correct the invoice data named in the message."),
                "blocking": True,
            }
            for error in errors
        ]
        if schematron and xml and move.state != "draft" and not errors:
            problems += self._schematron_problems(xml)
        return {"xml": xml, "problems": problems, "verdict": self._verdict(problems) if schematron else ""}

    def _verdict(self, problems):
        blocking = [problem for problem in problems if problem["blocking"]]
        if blocking:
            head = self.env._("Not valid: %(count)s error(s).", count=len(blocking))
        else:
            head = self.env._(
                "Valid: Factur-X EN 16931 schema and EN 16931 schematron (factur-x %(version)s), 0 errors.",
                version=importlib.metadata.version("factur-x"),
            )
        lines = [head]
        for problem in problems:
            label = self.env._("Error") if problem["blocking"] else self.env._("Warning")
            lines.append(f"{label}: {problem['message']} {problem['fix']}".strip())
        return "\n".join(lines)

    def _filename(self, move):
        number = (move.name or "").replace("/", "-")
        number = number[: FILENAME_MAX_LENGTH - len(FILENAME_PREFIX) - len(".pdf")]
        return f"{FILENAME_PREFIX}{number}.pdf"

    def _build_document(self, move, inspected=None):
        """The Factur-X PDF to deposit: ``{"pdf": bytes, "xml": bytes, "filename": str, "verdict": str}``.

        ``inspected``: the :meth:`_inspect` of ``move`` when the caller just ran it. Raises a
        UserError (listing the errors) rather than produce an invalid file.
        """
        move.ensure_one()
        inspected = inspected or self._inspect(move)
        if any(problem["blocking"] for problem in inspected["problems"]):
            raise UserError(
                self.env._(
                    "The Factur-X of %(invoice)s is not valid, it was not sent:\n%(errors)s",
                    invoice=move.display_name,
                    errors=inspected["verdict"],
                )
            )
        xml = inspected["xml"]
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
        return {"pdf": pdf, "xml": xml, "filename": self._filename(move), "verdict": inspected["verdict"]}

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
