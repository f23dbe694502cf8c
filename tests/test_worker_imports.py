"""A web worker does not load the libraries only one feature uses (issue 3's
memory target: ≤ 150 MB with every plugin): fpdf2 (~30 MB, the RGPD PDF, the
campaigns' letters, the equipements' convention), openpyxl (~8 MB, XLSX
exports), requests and Authlib's client (~5 MB, portal OIDC sign-in) are
imported by the functions that use them (their own tests: test_exports,
test_rgpd_access, the letters', bookings' and portal OpenID tests). Checked in
a fresh interpreter: the test process itself has imported them all."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
from grc_core import create_app
create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "probe", "INSTANCE_PATH": sys.argv[1],
            "PLUGINS": "*", "SESSION_COOKIE_SECURE": False})
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {"fpdf", "openpyxl", "requests"}
                        or name.startswith("authlib.integrations.requests_client"))))
"""


def test_a_worker_with_every_plugin_loads_no_feature_only_library(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"imported at start: {loaded} (import them where they are used)"

