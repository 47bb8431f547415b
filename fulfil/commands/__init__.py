"""flask command groups beyond the core ones in fulfil.cli, one module per area."""

import signal
import threading


def stop_event() -> threading.Event:
    """Set on SIGTERM or SIGINT: a worker finishes what it has in hand, then stops."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    return stop
