"""renewd: plans Shanghai residence-permit and points renewals, publishes feeds, sends reminders."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("renewd")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
