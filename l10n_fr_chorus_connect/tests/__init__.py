from . import test_facturx, test_facturx_matrix, test_preflight
from . import (
    test_partner,
    test_directory,
    test_settings,
    test_access,
    test_access_rpc,
    test_sandbox_controller,
)
from . import test_deposit, test_deposit_send, test_tracking, test_tour
from . import (
    test_wallet,
    test_wallet_purchase,
    test_wallet_concurrency,
    test_wallet_parallel_deposits,
    test_wallet_flows,
    test_wallet_environments,
)
from . import test_demo
from . import test_lang
from . import test_preflight_risks
from . import test_chorus_menus
from . import test_words
from . import test_follow_up
from . import test_days_tour
from . import test_frameworks
from . import test_auto_deposit
from . import test_paid_open
from . import test_supplier_actions
from . import test_supplier_actions_tour
from . import test_payment_deadlines
from . import test_vendor_two_databases
from . import test_outside_eye
from . import test_cron_words_french
