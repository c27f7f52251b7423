from . import (
    chorus_vendor_api_log,
    chorus_vendor_customer,
    chorus_vendor_voucher,
    payment_transaction,
    product_template,
    sale_order,
    sale_order_line,
    sale_order_refund,
)
