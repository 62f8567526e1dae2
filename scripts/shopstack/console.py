"""What the launcher prints: `==>` progress lines, `!!` warnings, coloured child prefixes."""

from __future__ import annotations

import os
import sys
import threading


def _use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


COLOUR = _use_colour()
# children's output is pumped by threads; one line at a time reaches the terminal
print_lock = threading.Lock()


def paint(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if COLOUR else text


def say(message: str) -> None:
    with print_lock:
        print(paint("==> ", "1;34") + message, flush=True)


def warn(message: str) -> None:
    with print_lock:
        print(paint("!!  ", "1;33") + message, file=sys.stderr, flush=True)


class StackError(Exception):
    """Something the user has to fix; the message says what."""
