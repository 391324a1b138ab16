"""``%load_ext synthnb`` stays light: SDV, torch, pandas and friends load only when a call needs them."""

import json
import subprocess
import sys

HEAVY = ["pandas", "sdv", "torch", "sdmetrics", "sklearn", "fairlearn", "ydata_profiling", "scipy", "rdt"]

PROBE = """
HEAVY = {heavy!r}
import json, sys, time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
t = time.perf_counter()
shell.run_line_magic("load_ext", "synthnb")
shell.run_cell("import synthnb")
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "loaded": [m for m in HEAVY if m in sys.modules],
                  "magic": "synth" in shell.magics_manager.magics["line"]}))
""".replace("{heavy!r}", repr(HEAVY))


def test_load_ext_imports_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["magic"]
    assert report["loaded"] == [], f"%load_ext synthnb imported {report['loaded']}"
    print(f"%load_ext synthnb took {report['seconds'] * 1000:.0f} ms")


def test_public_api_is_listed():
    import synthnb

    for name in synthnb.__all__:
        assert getattr(synthnb, name) is not None
