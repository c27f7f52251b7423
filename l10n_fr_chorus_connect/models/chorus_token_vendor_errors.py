# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What an administrator reads when the token vendor says no (contract v2 error codes).

Every code the vendor may answer has its own sentence naming what to do; the vendor's English
text is only appended for the support.
"""

from ..chorus.token_vendor import VendorUnreachableError


def vendor_error_message(env, error, *, nothing_charged=True):
    """The translated message of a ``chorus.token_vendor.VendorError``."""
    _ = env._
    messages = {
        "unknown_customer": _(
            "The token vendor does not know this company (its registration was removed). Contact the "
            "publisher of the Chorus Pro connector to restore it."
        ),
        "bad_secret": _(
            "The token vendor refused this company's credentials. Contact the publisher of the Chorus Pro "
            "connector: it resets the registration, then buy again."
        ),
        "already_registered": _(
            "This company is already registered at the token vendor, but this database does not hold its "
            "credentials (restored backup, copied database?). Contact the publisher of the Chorus Pro "
            "connector to reset the registration, then buy again."
        ),
        "unknown_pack": _(
            "The token vendor does not sell this pack any more. Reopen the list of packs and choose "
            "another one."
        ),
        "unknown_order": _(
            "The token vendor does not know this order for this company. Contact the publisher of the "
            "Chorus Pro connector with the order number."
        ),
        "not_your_order": _(
            "This order belongs to another customer of the token vendor. Contact the publisher of the "
            "Chorus Pro connector with the order number."
        ),
        "payment_unavailable": _(
            "Online payment is unavailable at the token vendor for now. Try again later; if it lasts, "
            "contact the publisher of the Chorus Pro connector."
        ),
        "unknown_voucher": _(
            "The token vendor does not know this voucher for this company: it was not sold to it. "
            "Contact the publisher of the Chorus Pro connector with the voucher number."
        ),
        "unavailable": _(
            "The token vendor is temporarily unavailable. Try again in a few minutes; if it lasts, contact "
            "the publisher of the Chorus Pro connector."
        ),
        "revoked": _(
            "This voucher was cancelled by the token vendor: its order was refunded before the tokens "
            "were credited."
        ),
        "rate_limited": _(
            "The token vendor receives too many requests: wait %(seconds)s seconds, then try again.",
            seconds=error.retry_after or 60,
        ),
        "request_id_reused": _(
            "The token vendor refused the order: its request number was already used for another "
            "pack. Buy again from the list of packs; if it lasts, contact the publisher of the Chorus "
            "Pro connector."
        ),
        "bad_request": _(
            "The token vendor refused the request as malformed. Update the Chorus Pro connector; if it "
            "lasts, contact its publisher."
        ),
        "unreachable": _(
            "The token vendor cannot be reached. Check the Internet connection of the server and the "
            "vendor address (system parameter l10n_fr_chorus_connect.vendor_url), then try again in a "
            "few minutes."
        ),
    }
    message = messages.get(error.code) or (
        messages["unreachable"] if isinstance(error, VendorUnreachableError) else messages["bad_request"]
    )
    if nothing_charged:
        nothing = _("Nothing was ordered nor charged.")
        message = f"{message} {nothing}"
    return f"{message} ({error.message})"
