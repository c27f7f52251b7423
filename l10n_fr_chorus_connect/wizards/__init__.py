from . import chorus_token_correction
from . import chorus_token_voucher
