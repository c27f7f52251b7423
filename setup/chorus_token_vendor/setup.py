"""Build the ``odoo-addon-chorus_token_vendor`` distribution (OCA ``setup/`` layout).

setuptools-odoo does not know Odoo 19 yet, so the metadata it would derive is read here
from the manifest: version, summary, licence and the Python external dependencies.
"""

import ast
from pathlib import Path

import setuptools

ADDON = "chorus_token_vendor"
HERE = Path(__file__).resolve().parent
ADDON_DIR = HERE / "odoo" / "addons" / ADDON
MANIFEST = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
REQUIREMENTS = [
    line.strip()
    for line in (HERE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
README = ADDON_DIR / "README.rst"

setuptools.setup(
    name=f"odoo-addon-{ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=README.read_text(encoding="utf-8") if README.exists() else MANIFEST["summary"],
    long_description_content_type="text/x-rst",
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    packages=[
        f"odoo.addons.{ADDON}",
        *(f"odoo.addons.{ADDON}.{pkg}" for pkg in setuptools.find_packages(str(ADDON_DIR))),
    ],
    package_dir={"": "."},
    include_package_data=True,
    package_data={"": ["*"] + [f"{'/'.join(['*'] * depth)}" for depth in range(2, 7)]},
    install_requires=REQUIREMENTS,
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        "Framework :: Odoo :: 19.0",
        "License :: OSI Approved :: GNU Affero General Public License v3",
    ],
)
