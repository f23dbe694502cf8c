"""``grc worker`` with the tests' jobs registered: the real command, in a
process of its own (``python worker_with_test_jobs.py [--burst]``)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stepwise_jobs  # noqa: E402,F401  (registers tests.faults.mail_in_steps)

from grc_core.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.argv = ["grc", "worker", *sys.argv[1:]]
    main()
