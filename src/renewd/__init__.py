"""renewd: plans Shanghai residence-permit and points renewals, publishes feeds, sends reminders."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`renewd.__version__`, read from the installed package's metadata when first asked for
    (`importlib.metadata` costs a command's start-up a tenth of its time otherwise)."""
    if name != "__version__":
        raise AttributeError(f"module 'renewd' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("renewd")
    except PackageNotFoundError:  # running from a source tree without installing
        found = "0.0.0"
    globals()["__version__"] = found
    return found
