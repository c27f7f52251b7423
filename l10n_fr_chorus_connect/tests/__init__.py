from . import test_facturx, test_facturx_matrix, test_preflight
from . import test_partner, test_directory, test_settings, test_access, test_sandbox_controller
from . import test_deposit, test_tracking, test_tour
from . import (
    test_wallet,
    test_wallet_purchase,
    test_wallet_concurrency,
    test_wallet_parallel_deposits,
    test_wallet_flows,
)
