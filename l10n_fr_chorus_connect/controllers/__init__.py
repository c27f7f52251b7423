from . import sandbox_vendor
