"""flask shipments … and flask licence …: 3PL exports, dropship, digital goods."""

from flask.cli import AppGroup

shipments_cli = AppGroup("shipments", help="Shipments for 3PLs and suppliers.")
licence_cli = AppGroup("licence", help="Licence keys of digital products.")
