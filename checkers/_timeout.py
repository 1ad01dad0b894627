"""A time bound for SymPy calls that may not finish (simplify can hang: sympy#26453, #16259)."""

from __future__ import annotations

import contextlib
import gc
import signal
import threading
import weakref

__all__ = ["time_limit", "SymbolicTimeout"]


class SymbolicTimeout(TimeoutError):
    """A symbolic step went over its time bound."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`SymbolicTimeout` in the body after ``seconds`` (main thread, POSIX).

    Off the main thread (where signals cannot be delivered) the body runs unbounded.
    """
    if seconds is None or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):
        # An exception raised inside a garbage-collector callback (JAX registers one) or a
        # weakref callback (a WeakKeyDictionary's ``remove``, run when a key dies) is
        # "unraisable": Python prints and drops it, and the bound would be lost.  There, try
        # again 10 ms later, once the callback has returned.
        callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
        f = frame
        while f is not None:
            if f.f_code in callbacks or f.f_code.co_filename == weakref.__file__:
                signal.setitimer(signal.ITIMER_REAL, 0.01)
                return
            f = f.f_back
        raise SymbolicTimeout(f"over the {seconds:g} s bound")

    old = signal.signal(signal.SIGALRM, _raise)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if old_timer[0] > 0:  # restore an outer bound, minus what we used (approximately)
            signal.setitimer(signal.ITIMER_REAL, max(old_timer[0] - seconds, 1e-3))
