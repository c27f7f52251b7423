from . import test_sale_order
from . import test_invoicing
from . import test_portal
from . import test_tour
from . import test_portal_payment
