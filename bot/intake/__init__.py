"""Validation of uploaded files (request form, ID document), independent of any channel.

    from bot.intake import check_upload, DeclaredIdentity
    result = check_upload(data, "modulo", original_name="modulo.pdf",
                          declared=DeclaredIdentity("Mario", "Rossi", "RSSMRA80A01H501U"))
    if result.accepted: store(result.stored_bytes, result.stored_type, result.to_dict())
    else: reply(result.problems[0].message)

Messages and warnings may contain personal data: show them, never log them.
"""

from bot.intake.check import FORM_KEYWORDS, check_upload, default_limits
from bot.intake.model import (
    ACCEPTED_TYPES,
    JPEG,
    P7M,
    PDF,
    PNG,
    PURPOSES,
    CheckedFile,
    DeclaredIdentity,
    ExtractedIdentity,
    Flag,
    Limits,
    Problem,
    Purpose,
    Signer,
)
from bot.intake.names import safe_name
from bot.intake.sniff import sniff

__all__ = [
    "ACCEPTED_TYPES",
    "FORM_KEYWORDS",
    "JPEG",
    "P7M",
    "PDF",
    "PNG",
    "PURPOSES",
    "CheckedFile",
    "DeclaredIdentity",
    "ExtractedIdentity",
    "Flag",
    "Limits",
    "Problem",
    "Purpose",
    "Signer",
    "check_upload",
    "default_limits",
    "safe_name",
    "sniff",
]
