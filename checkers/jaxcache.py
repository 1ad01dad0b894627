"""JAX's persistent compilation cache for ``gradproof report`` and its worker processes."""

from __future__ import annotations

import os

__all__ = ["JAX_CACHE_ENV", "jax_cache_dir", "enable_jax_cache", "folder_setting"]

JAX_CACHE_ENV = "GRADPROOF_JAX_CACHE"


def folder_setting(name: str):
    """A cache folder named by the environment variable ``name``: ``(set, folder)``, where
    ``set`` says whether the variable is set at all and ``folder`` is its value, or None when
    it turns the cache off (``off``, ``0``, ``no``, ``false`` or empty)."""
    value = os.environ.get(name)
    if value is None:
        return False, None
    return True, None if value.strip().lower() in ("", "0", "off", "no", "false") else value


def jax_cache_dir() -> str | None:
    """Where the commands keep JAX's persistent compilation cache, or None for no cache.

    ``$GRADPROOF_JAX_CACHE`` names the folder; ``off`` (or ``0``, ``no``, empty) turns the cache
    off; unset means ``$XDG_CACHE_HOME/gradproof/jax`` (default ``~/.cache/gradproof/jax``).
    When JAX's own ``JAX_COMPILATION_CACHE_DIR`` is set, JAX's setting is left as it is.
    """
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return None
    given, folder = folder_setting(JAX_CACHE_ENV)
    if given:
        return folder
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gradproof", "jax")


def enable_jax_cache() -> str | None:
    """Switch on JAX's persistent compilation cache for this process (see :func:`jax_cache_dir`).

    A second ``gradproof report`` (or ``check``) then loads the XLA programs of the first from
    disk instead of compiling them again (a warm catalog run compiles for seconds instead of
    tens of seconds).  Every program is cached, however fast it compiled: the checkers compile
    many small programs (eager primitives, one ``jit`` per claim) of 10-200 ms each, below
    JAX's default threshold of 1 s.  A cached program is the same XLA executable, so the numbers
    and the report do not change; a cold run (empty cache) only writes the entries.  The folder
    is capped at 512 MB (JAX evicts the least recently used entries).  Returns the folder, or
    None when the cache stays off or JAX rejects the setting.
    """
    path = jax_cache_dir()
    if path is None:
        return None
    import jax

    try:
        jax.config.update("jax_compilation_cache_dir", path)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        jax.config.update("jax_compilation_cache_max_size", 512 * 2**20)
    except (AttributeError, ValueError):  # an older JAX without these options: run uncached
        return None
    return path
