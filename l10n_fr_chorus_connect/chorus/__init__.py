"""Pure-Python Chorus Pro toolkit: API client, status catalogue and an embedded sandbox.

This package never imports Odoo, so integrators can run it on its own
(``python -m chorus`` from the addon folder) and the tests can exercise it
without a database.
"""
