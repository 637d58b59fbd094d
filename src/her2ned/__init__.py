"""her2ned: the helper package of the teaching book on radiologic NED in HER2-positive MBC.

Every patient-level table this package makes or ships is synthetic: built from published
aggregates and stated assumptions, never from real patients.
"""

__version__ = "0.1.0"

SYNTHETIC_NOTICE = (
    "Synthetic data: no real patient is in this table. It was built from published aggregates and stated assumptions."
)
