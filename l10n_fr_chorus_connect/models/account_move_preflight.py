# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pre-flight: everything Chorus Pro would reject, found before a token is touched.

The checks read the invoice's fields only. The Factur-X itself is checked where it is built:
once per deposit, on the very XML that is sent (``chorus.facturx._build_document``), and on
demand; never on a form read.
"""

import os

from odoo import models

from ..chorus.identifiers import siret_error
from ..chorus.supplier_actions import attachment_problems
from ..chorus.values import (
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)
from .account_move_chorus_data import TRANSFER_CODES

ENGAGEMENT_MAX_LENGTH = 50
# Inferred from live tests, not documented: a soft check only.
INVOICE_NUMBER_MAX_LENGTH = 20

# Chorus Pro attachment rules: one home, chorus/supplier_actions.py (sources cited there).


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_preflight(self, include_warnings=False, facturx=True):
        """Everything Chorus Pro would reject, found before a token is touched.

        Returns a list of ``{"field", "message", "fix", "blocking"}`` dicts (translated
        messages). Only blocking problems are returned unless ``include_warnings``.
        ``facturx=False`` leaves out the export and XSD check of the Factur-X: the panel
        (read on every form load) and the deposit (which checks the very file it builds).
        """
        self.ensure_one()
        problems = []

        def problem(field, message, fix, blocking=True):
            problems.append({"field": field, "message": message, "fix": fix, "blocking": blocking})

        if not self._chorus_is_applicable():
            problem(
                "partner_id",
                self.env._("This document is not a customer invoice or credit note to a public body."),
                self.env._("Mark the customer as a public entity (Chorus Pro) on its contact form."),
            )
        self._chorus_check_connection(problem)
        self._chorus_check_sirets(problem)
        structure = self._chorus_check_structure(problem)
        self._chorus_check_service_and_engagement(problem, structure)
        self._chorus_check_payment(problem)
        self._chorus_check_framework(problem)
        self._chorus_check_number_and_currency(problem)
        self._chorus_check_attachments(problem)
        self._chorus_check_flow_size(problem)
        self._chorus_check_line_taxes(problem)
        if facturx and not any(found["blocking"] for found in problems):
            # Built only from data that pass: otherwise its messages repeat the ones above in XML terms.
            # Both ask more than the form's data: Odoo's export, and Chorus Pro itself.
            self._chorus_check_engagement(problem, structure)
            self._chorus_check_facturx(problem)
        self._chorus_check_directory_and_risks(problem, structure)
        return [p for p in problems if p["blocking"] or include_warnings]

    def _chorus_check_connection(self, problem):
        message = self.company_id._chorus_connection_problem()
        if message:
            problem(
                "company_id",
                message,
                self.env._("A Settings administrator fills them in once; nothing is sent until then."),
            )

    def _chorus_check_line_taxes(self, problem):
        """Every line carries a VAT category in the Factur-X (EN 16931 BR-CO-04): named before any export."""
        untaxed = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and not line.tax_ids
        )
        for line in untaxed:
            problem(
                "invoice_line_ids",
                self.env._(
                    "The line « %(line)s » has no tax: Chorus Pro needs a VAT rate or an exemption on "
                    "every line (rule BR-CO-04).",
                    line=(line.name or line.product_id.display_name or "").splitlines()[0][:80],
                ),
                self.env._("Set its tax, e.g. 20 %, or the exempt tax with its reason."),
            )

    def _chorus_check_sirets(self, problem):
        company_siret = self._chorus_company_siret()
        if not company_siret:
            problem(
                "company_id",
                self.env._("Your company %(company)s has no SIRET.", company=self.company_id.name),
                self.env._("Enter the SIRET of your company in Settings > Companies."),
            )
        elif siret_error(company_siret):
            problem(
                "company_id",
                self.env._("The SIRET %(siret)s of your company is not valid.", siret=company_siret),
                self.env._("Correct the SIRET of your company in Settings > Companies."),
            )
        if not self._chorus_buyer_address().country_id:
            problem(
                "partner_id",
                self.env._("The customer's address has no country."),
                self.env._("Complete the address of the customer."),
            )
        buyer_siret = self._chorus_recipient_siret()
        if not buyer_siret:
            problem(
                "chorus_buyer_siret",
                self.env._("The recipient SIRET is missing."),
                self.env._("Enter the SIRET of the public body on the customer or on this invoice."),
            )
        elif siret_error(buyer_siret):
            problem(
                "chorus_buyer_siret",
                self.env._("The recipient SIRET %(siret)s is not valid.", siret=buyer_siret),
                self.env._("Correct the recipient SIRET: 14 digits with a valid check digit."),
            )

    def _chorus_buyer_address(self):
        """The buyer address written in the XML: the invoice address, else its company's (BR-10, BR-11)."""
        self.ensure_one()
        return self.partner_id if self.partner_id.country_id else self.commercial_partner_id

    def _chorus_check_structure(self, problem):
        buyer_siret = self._chorus_recipient_siret()
        if not buyer_siret or siret_error(buyer_siret):
            return self.env["chorus.structure"]
        structure = self._chorus_buyer_structure()
        if not structure or not structure.last_sync:
            problem(
                "chorus_buyer_siret",
                self.env._(
                    "The recipient %(siret)s has not been read from the Chorus Pro directory yet.",
                    siret=buyer_siret,
                ),
                self.env._('Click "Fetch from Chorus Pro" on the customer.'),
            )
            return self.env["chorus.structure"]
        if not structure.is_active:
            problem(
                "chorus_buyer_siret",
                self.env._(
                    "The recipient %(structure)s is inactive in Chorus Pro: it cannot receive invoices.",
                    structure=structure.display_name,
                ),
                self.env._("Ask your customer for the SIRET of the establishment to invoice."),
            )
        return structure

    def _chorus_check_service_and_engagement(self, problem, structure):
        service_code = (self.buyer_reference or "").strip()
        engagement = (self.purchase_order_reference or "").strip()
        requirement = structure.requirement if structure else False

        if requirement in (REQUIREMENT_SERVICE, REQUIREMENT_SERVICE_AND_ENGAGEMENT) and not service_code:
            problem(
                "buyer_reference",
                self.env._("%(structure)s requires a service code.", structure=structure.display_name),
                self.env._(
                    "Enter the service code given by your customer, or set it on the invoice address."
                ),
            )
        if requirement in (REQUIREMENT_ENGAGEMENT, REQUIREMENT_SERVICE_AND_ENGAGEMENT) and not engagement:
            problem(
                "purchase_order_reference",
                self.env._("%(structure)s requires an engagement number.", structure=structure.display_name),
                self.env._("Enter the engagement number (purchase order) given by your customer."),
            )
        if requirement == REQUIREMENT_SERVICE_OR_ENGAGEMENT and not service_code and not engagement:
            problem(
                "buyer_reference",
                self.env._(
                    "%(structure)s requires a service code or an engagement number.",
                    structure=structure.display_name,
                ),
                self.env._("Enter the service code or the engagement number given by your customer."),
            )

        service_code_problem = self.env["res.partner"]._chorus_service_code_problem(service_code)
        if service_code_problem:
            problem("buyer_reference", *service_code_problem)
        elif service_code and structure and structure.service_ids:
            services = structure.service_ids.filtered(lambda service: service.code == service_code)
            if not services:
                problem(
                    "buyer_reference",
                    self.env._(
                        "The service %(code)s does not exist in Chorus Pro for %(structure)s.",
                        code=service_code,
                        structure=structure.display_name,
                    ),
                    self.env._("Choose one of the customer's services, or fetch the directory again."),
                )
            elif not any(services.mapped("is_active")):
                problem(
                    "buyer_reference",
                    self.env._(
                        "The service %(code)s of %(structure)s is inactive in Chorus Pro.",
                        code=service_code,
                        structure=structure.display_name,
                    ),
                    self.env._("Ask your customer which service to invoice now."),
                )
            elif (
                requirement not in (REQUIREMENT_ENGAGEMENT, REQUIREMENT_SERVICE_AND_ENGAGEMENT)
                and any(services.mapped("engagement_required"))
                and not engagement
            ):
                problem(
                    "purchase_order_reference",
                    self.env._("The service %(code)s requires an engagement number.", code=service_code),
                    self.env._("Enter the engagement number (purchase order) given by your customer."),
                )

        if len(engagement) > ENGAGEMENT_MAX_LENGTH:
            problem(
                "purchase_order_reference",
                self.env._(
                    "The engagement number has %(length)s characters; Chorus Pro accepts at most 50.",
                    length=len(engagement),
                ),
                self.env._("Correct the engagement number: Odoo never cuts it for you."),
            )

    def _chorus_check_payment(self, problem):
        if self.move_type == "out_refund":
            if self.chorus_payment_means:
                problem(
                    "chorus_payment_means",
                    self.env._("A credit note sent to Chorus Pro must not have a payment means."),
                    self.env._("Empty the payment means of the credit note."),
                )
            return
        if not self.chorus_payment_means:
            problem(
                "chorus_payment_means",
                self.env._("The payment means is missing: Chorus Pro requires it on invoices."),
                self.env._("Choose a payment means, e.g. credit transfer."),
            )
        elif self.chorus_payment_means in TRANSFER_CODES:
            if not self.partner_bank_id:
                problem(
                    "partner_bank_id",
                    self.env._("A transfer needs the bank account to be paid on."),
                    self.env._("Choose your bank account (IBAN) on the invoice."),
                )
            elif self.partner_bank_id.acc_type != "iban":
                problem(
                    "partner_bank_id",
                    self.env._(
                        "The bank account %(account)s is not an IBAN: Chorus Pro only accepts IBANs.",
                        account=self.partner_bank_id.display_name,
                    ),
                    self.env._("Choose a bank account with an IBAN."),
                )

    def _chorus_check_number_and_currency(self, problem):
        if self.currency_id.name != "EUR":
            problem(
                "currency_id",
                self.env._(
                    "The invoice is in %(currency)s: Chorus Pro invoices are in euros.",
                    currency=self.currency_id.name,
                ),
                self.env._("Invoice in EUR."),
            )
        if self.name and self.name != "/" and len(self.name) > INVOICE_NUMBER_MAX_LENGTH:
            problem(
                "name",
                self.env._(
                    "The invoice number %(number)s has more than 20 characters; Chorus Pro may refuse it.",
                    number=self.name,
                ),
                self.env._("Use a shorter sequence prefix on the journal."),
                blocking=False,
            )

    def _chorus_check_attachments(self, problem):
        _ = self.env._
        for attachment in self.chorus_attachment_ids:
            name = attachment.name or ""
            for found in attachment_problems(name, attachment.file_size or 0):
                if found == "name":
                    message = _("The attachment name %(name)s has more than 50 characters.", name=name)
                    fix = _("Rename the file (50 characters at most, extension included).")
                elif found == "no_extension":
                    message = _("The attachment %(name)s has no extension.", name=name)
                    fix = _("Rename the file with its extension, e.g. .pdf.")
                elif found == "extension":
                    message = _(
                        "Chorus Pro does not accept %(extension)s files (%(name)s).",
                        extension=os.path.splitext(name)[1].lower(),
                        name=name,
                    )
                    fix = _("Convert the file to an accepted format, e.g. PDF.")
                elif found == "empty":
                    message = _("The attachment %(name)s is empty.", name=name)
                    fix = _("Remove the empty file.")
                else:
                    message = _("The attachment %(name)s is larger than 10 MB.", name=name)
                    fix = _("Compress or split the file.")
                problem("chorus_attachment_ids", message, fix)

    def _chorus_check_facturx(self, problem):
        for found in self.env["chorus.facturx"]._check_move(self):
            problem(found["field"], found["message"], found["fix"], found["blocking"])
