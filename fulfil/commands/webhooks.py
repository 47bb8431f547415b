"""flask webhooks …: the delivery worker and subscriptions."""

from flask.cli import AppGroup

webhooks_cli = AppGroup(
    "webhooks", help="Webhook subscriptions and the delivery worker."
)
