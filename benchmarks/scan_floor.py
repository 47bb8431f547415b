"""The floor for benchmarks/scan_load.py: a picking scan with nothing but psycopg.

    gunicorn benchmarks.scan_floor:app   # FLOOR_DATABASE_URL=postgresql://…/db

A bare WSGI app (no Flask, no ORM, no templates, no CSRF, no session) that takes
POST /scan with list, picker, code and scan_id and sends, in ONE transaction, the
statements the app sends for a right scan, in the same order and shape: the picker's
user row with warehouse and roles (the app reads the signed-in user on every request),
the list row locked with the replay check on the scan id and the list's progress
counted, the next two open tasks with their bin, product, reservation, tote and
order, then the scan row, and for a bin label the task marked at the bin, or for a
product the task (and the next one when it is in the same bin), the audit event, the
reservation, the tote's and the bin's stock rows and the stock move. Every thread
keeps one connection. It answers 200 accepted, 422 refused (nothing written), 409
when the list is not the picker's or not open, or the stock changed under it.
"""

import os
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qs

import psycopg
from psycopg.types.json import Json

URL = os.environ.get("FLOOR_DATABASE_URL", "")
_local = threading.local()

# The statements the app sends for a right scan, in its order (fulfil/queries/users.py
# for the signed-in user, fulfil/services/quick_scan.py and inventory.py for the rest).
SIGNED_IN = """
SELECT users.id, users.username, users.language, users.active, users.warehouse_id,
       warehouses.code, user_roles.role
  FROM users
  LEFT JOIN warehouses ON users.warehouse_id = warehouses.id
  LEFT JOIN user_roles ON user_roles.user_id = users.id
 WHERE users.id = %s
"""
LIST = """
SELECT l.picker_id, l.status,
       (SELECT id FROM pick_scans WHERE scan_id = %s) AS seen, p.total, p.done
  FROM pick_lists l
  JOIN (SELECT count(id) AS total, count(id) FILTER (WHERE status != 'open') AS done
          FROM pick_tasks WHERE pick_list_id = %s) p ON true
 WHERE l.id = %s
   FOR UPDATE OF l
"""
NEXT_TWO = """
SELECT t.id, t.qty - t.picked - t.short, t.at_location, t.location_id, t.product_id,
       t.lot, t.reservation_id, t.picked, t.skipped, loc.code, p.sku, p.name,
       p.barcode, p.tracking, s.number, r.stock_id, s.tote_id, tote.code, o.id,
       o.external_id
  FROM (SELECT * FROM pick_tasks
         WHERE pick_list_id = %s AND status = 'open'
         ORDER BY sequence LIMIT 2) t
  JOIN locations loc ON loc.id = t.location_id
  JOIN products p ON p.id = t.product_id
  JOIN reservations r ON r.id = t.reservation_id
  JOIN pick_slots s ON s.id = t.slot_id
  JOIN locations tote ON tote.id = s.tote_id
  JOIN order_lines ol ON ol.id = t.order_line_id
  JOIN orders o ON o.id = ol.order_id
 ORDER BY t.sequence
"""
INSERT_SCAN = """
INSERT INTO pick_scans (scan_id, pick_list_id, task_id, user_id, kind, code, qty,
                        accepted, message, undone, at)
VALUES (%s, %s, %s, %s, %s, %s, %s, true, '', false, %s)
"""
AT_BIN = "UPDATE pick_tasks SET at_location = true WHERE id = %s"
PICKED = "UPDATE pick_tasks SET picked = picked + %s, status = %s WHERE id = %s"
EVENT = """
INSERT INTO events (at, actor_id, action, subject_type, subject_id, data, key)
VALUES (%s, %s, 'pick.confirmed', 'orders', %s, %s, NULL)
"""
TAKE_RESERVED = "UPDATE reservations SET qty = qty - %s WHERE id = %s AND qty >= %s"
INTO_TOTE = """
INSERT INTO stock (product_id, location_id, lot, on_hand, reserved)
VALUES (%s, %s, %s, %s, 0)
    ON CONFLICT (product_id, location_id, lot)
    DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand
"""
MOVE = """
INSERT INTO stock_moves (key, product_id, qty, from_location_id, to_location_id, lot,
                         reason, reference, actor_id, at)
VALUES (%s, %s, %s, %s, %s, %s, 'pick', %s, %s, %s)
"""
OUT_OF_BIN = """
UPDATE stock SET on_hand = on_hand - %s, reserved = reserved - %s
 WHERE id = %s AND reserved >= %s AND on_hand >= %s
"""


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(URL)
    return conn


class StockChanged(Exception):
    """A guarded stock update found no row: the transaction is rolled back."""


def _one_row(cur: psycopg.Cursor) -> None:
    if cur.rowcount != 1:  # as inventory.take_reserved_rows refuses it
        raise StockChanged()


def scan(list_id: int, picker_id: int, code: str, scan_id: str) -> tuple[int, str]:
    """One scan, one transaction: (HTTP status, message)."""
    now = datetime.now(UTC)
    conn = _connection()
    with conn.transaction(), conn.cursor() as cur:
        # the app reads the signed-in user on every request (here: the form's picker)
        cur.execute(SIGNED_IN, (picker_id,))
        if cur.fetchone() is None:
            return 409, "no such picker"
        cur.execute(LIST, (scan_id, list_id, list_id))
        held = cur.fetchone()
        if held is None or held[0] != picker_id or held[1] != "picking":
            return 409, "not your open list"
        if held[2] is not None:
            return 200, "replayed"
        cur.execute(NEXT_TWO, (list_id,))
        tasks = cur.fetchall()
        if not tasks:
            return 422, "list complete"
        (task_id, remaining, at_bin, location_id, product_id, lot, reservation_id,
         _picked, _skipped, bin_code, sku, _name, barcode, _tracking, _slot, stock_id,
         tote_id, tote_code, order_id, reference) = tasks[0]  # fmt: skip
        if code.upper() == bin_code.upper():
            cur.execute(
                INSERT_SCAN,
                (scan_id, list_id, task_id, picker_id, "location", code, 0, now),
            )
            if not at_bin:
                cur.execute(AT_BIN, (task_id,))
            return 200, "at bin"
        if not at_bin:
            return 422, "wrong bin"
        if code not in (barcode, sku):
            return 422, "wrong product"
        if remaining < 1:
            return 422, "too many"
        cur.execute(
            INSERT_SCAN,
            (scan_id, list_id, task_id, picker_id, "product", code, 1, now),
        )
        done = remaining == 1
        cur.execute(PICKED, (1, "done" if done else "open", task_id))
        if done and len(tasks) > 1 and tasks[1][3] == location_id:
            cur.execute(AT_BIN, (tasks[1][0],))  # the next task in the same bin
        data = {
            "sku": sku,
            "qty": 1,
            "location": bin_code,
            "tote": tote_code,
            "pick_list": list_id,
        }
        cur.execute(EVENT, (now, picker_id, order_id, Json(data)))
        cur.execute(TAKE_RESERVED, (1, reservation_id, 1))
        _one_row(cur)
        cur.execute(INTO_TOTE, (product_id, tote_id, lot, 1))
        cur.execute(
            MOVE,
            (f"pick:{scan_id}", product_id, 1, location_id, tote_id, lot, reference,
             picker_id, now),
        )  # fmt: skip
        cur.execute(OUT_OF_BIN, (1, 1, stock_id, 1, 1))
        _one_row(cur)
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
    except StockChanged:
        status, message = 409, "stock changed"
    body = message.encode()
    reason = {200: "OK", 400: "Bad Request", 409: "Conflict"}.get(
        status, "Unprocessable Entity"
    )
    start_response(
        f"{status} {reason}",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]
