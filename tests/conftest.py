import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))
