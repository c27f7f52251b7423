from . import test_vendor_access_rpc, test_vendor_api, test_vendor_refunds
