"""Real sample files for the tests and the benchmark, generated on the fly (nothing is committed).

Not used at run time. `fpdf2` and `pyhanko` (test dependencies) are imported only by the
generators that need them.
"""

from bot.intake.samples.catalogue import SAMPLES, Sample

__all__ = ["SAMPLES", "Sample"]
