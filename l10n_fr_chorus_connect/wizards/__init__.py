from . import chorus_facturx_check, chorus_token_correction, chorus_token_voucher
from . import chorus_supplier_action
