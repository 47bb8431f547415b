"""Running a piece of JavaScript under Node.js, as the device or a tool would."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def run_node(script: str, *args: str, data=None) -> dict | list:
    """What `script` prints as JSON, given `data` as JSON on its standard input.
    Packages resolve from the project's node_modules (installed by scripts/setup)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed here (apt install nodejs)")
    result = subprocess.run(
        [node, "-e", script, *args],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    missing = [line for line in result.stderr.splitlines() if "Cannot find" in line]
    if missing:
        pytest.fail(f"{missing[0].strip()}: run scripts/setup --dev")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
