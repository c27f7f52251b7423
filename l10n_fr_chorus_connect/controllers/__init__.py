from . import sandbox
