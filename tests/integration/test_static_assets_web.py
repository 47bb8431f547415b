"""Static files are named by their content's hash, kept a year, and sent compressed."""

import re

import brotli


def linked_script(client, name: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(rf'src="(/static/[^"]*{re.escape(name)}\?v=[0-9a-f]+)"', page)[1]


def test_a_page_names_its_scripts_by_hash_and_they_are_kept_for_a_year(client):
    url = linked_script(client, "htmx.min.js")

    with client.get(url, headers={"Accept-Encoding": "br"}) as response:
        body = response.data

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert brotli.decompress(body).startswith(b"var htmx=")
    assert len(body) < 20_000  # htmx.min.js is 52 KB before compression


def test_a_stale_or_missing_hash_is_not_kept(client):
    url = linked_script(client, "app.js")

    for wrong in (url.split("?v=")[0] + "?v=0123456789ab", url.split("?v=")[0]):
        with client.get(wrong) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")


def test_pages_are_sent_compressed(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
