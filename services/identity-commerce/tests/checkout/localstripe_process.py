"""Run localstripe for tests without its on-disk store.

localstripe pickles its whole store to the fixed path /tmp/localstripe.pickle after every
write. Test instances start from scratch anyway, and several test runs (and the dev stack)
share this machine, so the test instances keep their state in memory only.

Usage: python localstripe_process.py --port N
"""

import sys

from localstripe import resources, server

if __name__ == "__main__":
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    sys.argv = [sys.argv[0], *sys.argv[1:], "--from-scratch"]
    server.start()
