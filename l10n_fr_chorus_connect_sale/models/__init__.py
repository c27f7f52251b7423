from . import chorus_rules
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import sale_order_invoicing
from . import account_move
