# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What Chorus Pro needs on an invoice, and the checks run before any deposit.

The service code, engagement and market number are the fields of
``l10n_fr_facturx_chorus_pro`` (``buyer_reference``, ``purchase_order_reference``,
``contract_reference``): this module only gives them defaults.
"""

import os

from stdnum.fr import siret as stdnum_siret

from odoo import api, fields, models

from ..chorus.values import (
    PUBLIC_INVOICES_SERVICE,
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)

# UNTDID 4461 codes that Chorus Pro accepts as "mode de paiement".
PAYMENT_MEANS = [
    ("30", "Credit transfer"),
    ("58", "SEPA credit transfer"),
    ("31", "Debit transfer"),
    ("42", "Payment to bank account"),
    ("49", "Direct debit"),
    ("20", "Cheque"),
    ("10", "In cash"),
    ("97", "Clearing between partners"),
    ("1", "Instrument not defined"),
]
# Chorus Pro only accepts an IBAN as the account of these codes.
TRANSFER_CODES = {"30", "31", "42", "58"}
DEFAULT_PAYMENT_MEANS = "30"

ENGAGEMENT_MAX_LENGTH = 50
SERVICE_CODE_MAX_LENGTH = 100
# Inferred from live tests, not documented: a soft check only.
INVOICE_NUMBER_MAX_LENGTH = 20

# Chorus Pro attachment rules (CP-PJ, as applied by the OCA connector).
ATTACHMENT_NAME_MAX_LENGTH = 50
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# 120 MB for the invoice and its attachments; 2 MB kept for the invoice PDF itself.
ATTACHMENTS_TOTAL_MAX_BYTES = 118 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset(
    [
        ".bmp",
        ".gif",
        ".fax",
        ".odt",
        ".ppt",
        ".tiff",
        ".xls",
        ".bz2",
        ".gz",
        ".jpeg",
        ".p7s",
        ".rtf",
        ".txt",
        ".xml",
        ".csv",
        ".gzip",
        ".jpg",
        ".pdf",
        ".svg",
        ".xhtml",
        ".xlsx",
        ".doc",
        ".htm",
        ".odp",
        ".png",
        ".tgz",
        ".xlc",
        ".zip",
        ".docx",
        ".html",
        ".ods",
        ".pps",
        ".tif",
        ".xlm",
        ".pptx",
    ]
)


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_buyer_siret = fields.Char(
        string="Recipient SIRET",
        compute="_compute_chorus_buyer_siret",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        help="SIRET of the public body's establishment that receives the invoice in Chorus Pro. "
        "Defaults to the SIRET of the invoice address.",
    )
    chorus_payment_means = fields.Selection(
        PAYMENT_MEANS,
        string="Payment Means (Chorus Pro)",
        compute="_compute_chorus_payment_means",
        store=True,
        readonly=False,
        copy=False,  # a credit note made from an invoice must not inherit it
        help="How the public body pays this invoice. Chorus Pro requires it on invoices and refuses it on "
        "credit notes; for a transfer, the recipient bank account must be an IBAN.",
    )
    chorus_attachment_ids = fields.Many2many(
        "ir.attachment",
        "account_move_chorus_attachment_rel",
        "move_id",
        "attachment_id",
        string="Chorus Pro Attachments",
        copy=False,
        help="Files embedded in the Factur-X sent to Chorus Pro (at most 10 MB each, names of at most "
        "50 characters with an extension).",
    )
    # Defaults of the l10n_fr_facturx_chorus_pro fields.
    buyer_reference = fields.Char(
        compute="_compute_buyer_reference", store=True, readonly=False, precompute=True
    )
    purchase_order_reference = fields.Char(
        compute="_compute_purchase_order_reference", store=True, readonly=False, precompute=True
    )

    def _chorus_defaults_open(self):
        """Defaults follow the customer only while nothing left Odoo."""
        self.ensure_one()
        return (
            self.state == "draft"
            and not self.is_move_sent
            and self.move_type in ("out_invoice", "out_refund")
        )

    # Skipped records re-assign their value: a stored compute that assigns nothing leaves
    # False in the cache.
    @api.depends("partner_id")
    def _compute_chorus_buyer_siret(self):
        for move in self:
            if move._chorus_defaults_open() and move.partner_id:
                move.chorus_buyer_siret = move.partner_id._chorus_effective_siret() or False
            else:
                move.chorus_buyer_siret = move.chorus_buyer_siret

    @api.depends("partner_id")
    def _compute_buyer_reference(self):
        for move in self:
            if move._chorus_defaults_open() and move.partner_id.commercial_partner_id.chorus_is_public:
                move.buyer_reference = move.partner_id._chorus_effective_service_code() or False
            else:
                move.buyer_reference = move.buyer_reference

    @api.depends("partner_id", "ref")
    def _compute_purchase_order_reference(self):
        # Not on credit notes: their ref is "Reversal of: ..." and the engagement comes with the copy.
        for move in self:
            if (
                move._chorus_defaults_open()
                and move.move_type == "out_invoice"
                and move.partner_id.commercial_partner_id.chorus_is_public
                and move.ref
                and not move.purchase_order_reference
            ):
                move.purchase_order_reference = move.ref.strip()
            else:
                move.purchase_order_reference = move.purchase_order_reference

    @api.depends("move_type", "partner_bank_id")
    def _compute_chorus_payment_means(self):
        for move in self:
            if move.move_type != "out_invoice":
                move.chorus_payment_means = False
            elif move.partner_bank_id and not move.chorus_payment_means:
                move.chorus_payment_means = DEFAULT_PAYMENT_MEANS
            else:
                move.chorus_payment_means = move.chorus_payment_means

    def _chorus_is_applicable(self):
        """A customer invoice or credit note to a public body: it goes through Chorus Pro."""
        self.ensure_one()
        return (
            self.move_type in ("out_invoice", "out_refund")
            and self.state in ("draft", "posted")
            and bool(self.commercial_partner_id.chorus_is_public)
        )

    def _chorus_company_siret(self):
        self.ensure_one()
        registry = self.company_id.company_registry or ""
        return stdnum_siret.compact(registry) if registry else ""

    def _chorus_recipient_siret(self):
        """The recipient SIRET without the spaces or dots a user may type."""
        self.ensure_one()
        return stdnum_siret.compact(self.chorus_buyer_siret) if self.chorus_buyer_siret else ""

    def _chorus_buyer_structure(self):
        """The directory entry of the recipient SIRET, as last synced (may be empty)."""
        self.ensure_one()
        siret = self._chorus_recipient_siret()
        if not siret:
            return self.env["chorus.structure"]
        return self.env["chorus.structure"].search(
            [("siret", "=", siret), ("company_id", "=", self.company_id.id)], limit=1
        )

    # ------------------------------------------------------------------
    # Pre-flight checks
    # ------------------------------------------------------------------
    def _chorus_preflight(self, include_warnings=False):
        """Everything Chorus Pro would reject, found before a token is touched.

        Returns a list of ``{"field", "message", "fix", "blocking"}`` dicts (translated
        messages). Only blocking problems are returned unless ``include_warnings``.
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
        self._chorus_check_sirets(problem)
        structure = self._chorus_check_structure(problem)
        self._chorus_check_service_and_engagement(problem, structure)
        self._chorus_check_payment(problem)
        self._chorus_check_number_and_currency(problem)
        self._chorus_check_attachments(problem)
        self._chorus_check_facturx(problem)
        return [p for p in problems if p["blocking"] or include_warnings]

    def _chorus_check_sirets(self, problem):
        company_siret = self._chorus_company_siret()
        if not company_siret:
            problem(
                "company_id",
                self.env._("Your company %(company)s has no SIRET.", company=self.company_id.name),
                self.env._("Enter the SIRET of your company in Settings > Companies."),
            )
        elif not stdnum_siret.is_valid(company_siret):
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
        elif not stdnum_siret.is_valid(buyer_siret):
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
        if not buyer_siret or not stdnum_siret.is_valid(buyer_siret):
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

        if service_code == PUBLIC_INVOICES_SERVICE:
            problem(
                "buyer_reference",
                self.env._(
                    "The service FACTURES_PUBLIQUES is reserved to invoices between public bodies: "
                    "Chorus Pro rejects it from a supplier."
                ),
                self.env._("Ask your customer for the code of the service to invoice."),
            )
        elif len(service_code) > SERVICE_CODE_MAX_LENGTH:
            problem(
                "buyer_reference",
                self.env._("The service code has more than 100 characters."),
                self.env._("Correct the service code."),
            )
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
        total = 0
        for attachment in self.chorus_attachment_ids:
            name = attachment.name or ""
            extension = os.path.splitext(name)[1].lower()
            size = attachment.file_size or 0
            total += size
            if len(name) > ATTACHMENT_NAME_MAX_LENGTH:
                problem(
                    "chorus_attachment_ids",
                    self.env._("The attachment name %(name)s has more than 50 characters.", name=name),
                    self.env._("Rename the file (50 characters at most, extension included)."),
                )
            if not extension:
                problem(
                    "chorus_attachment_ids",
                    self.env._("The attachment %(name)s has no extension.", name=name),
                    self.env._("Rename the file with its extension, e.g. .pdf."),
                )
            elif extension not in ATTACHMENT_EXTENSIONS:
                problem(
                    "chorus_attachment_ids",
                    self.env._(
                        "Chorus Pro does not accept %(extension)s files (%(name)s).",
                        extension=extension,
                        name=name,
                    ),
                    self.env._("Convert the file to an accepted format, e.g. PDF."),
                )
            if not size:
                problem(
                    "chorus_attachment_ids",
                    self.env._("The attachment %(name)s is empty.", name=name),
                    self.env._("Remove the empty file."),
                )
            elif size > ATTACHMENT_MAX_BYTES:
                problem(
                    "chorus_attachment_ids",
                    self.env._("The attachment %(name)s is larger than 10 MB.", name=name),
                    self.env._("Compress or split the file."),
                )
        if total > ATTACHMENTS_TOTAL_MAX_BYTES:
            problem(
                "chorus_attachment_ids",
                self.env._(
                    "The attachments weigh more than 118 MB together; Chorus Pro accepts 120 MB per invoice."
                ),
                self.env._("Remove some attachments."),
            )

    def _chorus_check_facturx(self, problem):
        for found in self.env["chorus.facturx"]._check_move(self):
            problem(found["field"], found["message"], found["fix"], found["blocking"])
