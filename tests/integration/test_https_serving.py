"""The README's HTTPS trial works: scripts/https-cert makes a certificate for the
server's address, gunicorn serves the app with it, and a client trusting that
certificate gets the login page with a Secure session cookie."""

import os
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_over_https_with_a_trial_certificate(tmp_path):
    made = subprocess.run(
        [ROOT / "scripts/https-cert", "127.0.0.1", "fulfil.local"],
        env={**os.environ, "TLS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "IP:127.0.0.1,DNS:fulfil.local" in made.stdout
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "app:app",
            "--certfile",
            str(tmp_path / "cert.pem"),
            "--keyfile",
            str(tmp_path / "key.pem"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "FULFIL_ENV": "production",
            "SECRET_KEY": "test-only",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fulfil.sqlite'}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # gunicorn's workers import the app first
            try:
                page = requests.get(
                    f"https://127.0.0.1:{port}/login",
                    verify=tmp_path / "cert.pem",
                    timeout=10,
                )
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer over HTTPS")
    finally:
        server.terminate()
        server.wait()

    assert page.status_code == 200
    assert "Log in" in page.text
    assert any(cookie.secure for cookie in page.cookies)
