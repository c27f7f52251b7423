from . import chorus_token_correction, chorus_token_voucher
