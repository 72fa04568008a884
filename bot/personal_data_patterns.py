"""What personal data look like in free text: codici fiscali, e-mail addresses, phone numbers.

One definition for the two places that hide them: log lines (`bot.logging_setup`, replaced by a
placeholder) and the staff console's transcripts (`bot.web.console.masking`, partly hidden as in
the ticket lists).
"""

from __future__ import annotations

import re

# Codice fiscale, omocodia letters included.
CODICE_FISCALE = re.compile(
    r"(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Italian numbers: mobiles (3xx) and land lines (0x), with or without +39 / 0039, spaced or not.
# Not inside a longer number, a word, a time (08:39:01) or an address (127.0.0.1).
PHONE = re.compile(
    r"(?<![\w+./-])(?:(?:\+|00)39[ .-]?)?(?:3\d{2}|0\d{1,3})(?:[ ./-]?\d){5,8}(?![\w:]|[ ./-]\d)"
)
