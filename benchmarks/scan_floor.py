"""The floor for benchmarks/scan_load.py: a picking scan with nothing but psycopg.

    gunicorn benchmarks.scan_floor:app   # FLOOR_DATABASE_URL=postgresql://…/db

A bare WSGI app (no Flask, no ORM, no templates, no CSRF, no session) that takes
POST /scan with list, picker, code and scan_id and does in ONE transaction what
fulfil.services.picking.scan does to the database: the replay check on the scan id,
the list row locked, the current task (with its bin, product, tote, reservation and
order) read, and then for a bin label the task marked at the bin, or for a product
the reservation, the bin's and the tote's stock rows, the task (and the next task at
the same bin once it is done) updated, the stock move, the audit event and the scan
row inserted. Every thread keeps one connection. It answers 200 accepted, 422
refused (nothing written), 409 when the list is not the picker's or not open.
"""

import os
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qs

import psycopg
from psycopg.types.json import Json

URL = os.environ.get("FLOOR_DATABASE_URL", "")
_local = threading.local()

# As fulfil/services/quick_scan.py reads it: the open task first, then its joins.
CURRENT_TASK = """
SELECT t.id, t.qty, t.picked, t.short, t.at_location, t.location_id, t.product_id,
       t.lot, loc.code, p.barcode, p.sku, s.tote_id, tote.code, r.id, r.stock_id,
       o.id, o.external_id
  FROM (SELECT * FROM pick_tasks
         WHERE pick_list_id = %s AND status = 'open'
         ORDER BY sequence LIMIT 1) t
  JOIN locations loc ON loc.id = t.location_id
  JOIN products p ON p.id = t.product_id
  JOIN pick_slots s ON s.id = t.slot_id
  JOIN locations tote ON tote.id = s.tote_id
  JOIN reservations r ON r.id = t.reservation_id
  JOIN order_lines ol ON ol.id = t.order_line_id
  JOIN orders o ON o.id = ol.order_id
"""
INSERT_SCAN = """
INSERT INTO pick_scans (scan_id, pick_list_id, task_id, user_id, kind, code, qty,
                        accepted, message, undone, at)
VALUES (%s, %s, %s, %s, %s, %s, %s, true, '', false, %s)
"""


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(URL)
    return conn


def scan(list_id: int, picker_id: int, code: str, scan_id: str) -> tuple[int, str]:
    """One scan, one transaction: (HTTP status, message)."""
    now = datetime.now(UTC)
    conn = _connection()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT accepted FROM pick_scans WHERE scan_id = %s", (scan_id,))
        if (earlier := cur.fetchone()) is not None:
            return (200 if earlier[0] else 422), "replayed"
        cur.execute(
            "SELECT picker_id, status FROM pick_lists WHERE id = %s FOR UPDATE",
            (list_id,),
        )
        row = cur.fetchone()
        if row is None or row[0] != picker_id or row[1] != "picking":
            return 409, "not your open list"
        cur.execute(CURRENT_TASK, (list_id,))
        task = cur.fetchone()
        if task is None:
            return 422, "list complete"
        (task_id, qty, picked, short, at_bin, location_id, product_id, lot, bin_code,
         barcode, sku, tote_id, tote_code, reservation_id, stock_id, order_id,
         reference) = task  # fmt: skip
        if code.upper() == bin_code.upper():
            if not at_bin:
                cur.execute(
                    "UPDATE pick_tasks SET at_location = true WHERE id = %s",
                    (task_id,),
                )
            cur.execute(
                INSERT_SCAN,
                (scan_id, list_id, task_id, picker_id, "location", code, 0, now),
            )
            return 200, "at bin"
        if not at_bin:
            return 422, "wrong bin"
        if code not in (barcode, sku):
            return 422, "wrong product"
        if qty - picked - short < 1:
            return 422, "too many"
        cur.execute(
            "UPDATE reservations SET qty = qty - 1 WHERE id = %s", (reservation_id,)
        )
        cur.execute(
            "UPDATE stock SET on_hand = on_hand - 1, reserved = reserved - 1 "
            "WHERE id = %s",
            (stock_id,),
        )
        cur.execute(
            "INSERT INTO stock (product_id, location_id, lot, on_hand, reserved) "
            "VALUES (%s, %s, %s, 1, 0) ON CONFLICT (product_id, location_id, lot) "
            "DO UPDATE SET on_hand = stock.on_hand + 1",
            (product_id, tote_id, lot),
        )
        cur.execute(
            "INSERT INTO stock_moves (key, product_id, qty, from_location_id, "
            "to_location_id, lot, reason, reference, actor_id, at) "
            "VALUES (%s, %s, 1, %s, %s, %s, 'pick', %s, %s, %s)",
            (f"pick:{scan_id}", product_id, location_id, tote_id, lot, reference,
             picker_id, now),
        )  # fmt: skip
        done = picked + 1 + short == qty
        cur.execute(
            "UPDATE pick_tasks SET picked = picked + 1, status = %s WHERE id = %s",
            ("done" if done else "open", task_id),
        )
        if done:  # the next task in the same bin needs no new bin scan
            cur.execute(CURRENT_TASK, (list_id,))
            following = cur.fetchone()
            if following is not None and following[5] == location_id:
                cur.execute(
                    "UPDATE pick_tasks SET at_location = true WHERE id = %s",
                    (following[0],),
                )
        data = {
            "sku": sku,
            "qty": 1,
            "location": bin_code,
            "tote": tote_code,
            "pick_list": list_id,
        }
        cur.execute(
            "INSERT INTO events (at, actor_id, action, subject_type, subject_id, "
            "data, key) VALUES (%s, %s, 'pick.confirmed', 'orders', %s, %s, NULL)",
            (now, picker_id, order_id, Json(data)),
        )
        cur.execute(
            INSERT_SCAN,
            (scan_id, list_id, task_id, picker_id, "product", code, 1, now),
        )
        return 200, "picked"


def app(environ, start_response):
    if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/scan":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(size).decode())
    try:
        status, message = scan(
            int(form["list"][0]),
            int(form["picker"][0]),
            form["code"][0].strip(),
            form["scan_id"][0].strip(),
        )
    except (KeyError, ValueError):
        status, message = 400, "bad request"
    body = message.encode()
    reason = {200: "OK", 400: "Bad Request", 409: "Conflict"}.get(
        status, "Unprocessable Entity"
    )
    start_response(
        f"{status} {reason}",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]
