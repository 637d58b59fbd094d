"""Exercise self-checks: each says right or wrong, with a hint, never a traceback.

The shared machinery lives in :mod:`her2ned.checks.core`; each chapter's checks live in a
module of their own (``her2ned.checks.her2``, ``her2ned.checks.recist``, ...).
"""

from .core import Feedback, check_choice, check_number

__all__ = ["Feedback", "check_choice", "check_number"]
