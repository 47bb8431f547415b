"""Entry point: `flask --app app ...` and `gunicorn app:app` both load this."""

from fulfil import create_app

app = create_app()
