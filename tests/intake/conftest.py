"""Generated sample files, made once per test session (see bot/intake/samples)."""

from __future__ import annotations

import pytest

from bot.intake.model import DeclaredIdentity, Limits
from bot.intake.samples import forms, pictures, signed
from bot.intake.samples.identity import DOCTOR

# Settings-independent limits, so MAX_UPLOAD_BYTES in the environment cannot change the outcome.
LIMITS = Limits()


@pytest.fixture(scope="session")
def doctor() -> DeclaredIdentity:
    return DOCTOR


@pytest.fixture(scope="session")
def limits() -> Limits:
    return LIMITS


@pytest.fixture(scope="session")
def filled_form() -> bytes:
    return forms.filled_form_pdf()


@pytest.fixture(scope="session")
def blank_form() -> bytes:
    return forms.blank_form_pdf()


@pytest.fixture(scope="session")
def pades_form() -> bytes:
    return signed.pades_signed_pdf()


@pytest.fixture(scope="session")
def p7m_form() -> bytes:
    return signed.p7m()


@pytest.fixture(scope="session")
def form_photo() -> bytes:
    return pictures.form_photo_jpeg()


@pytest.fixture(scope="session")
def scanned_form(form_photo: bytes) -> bytes:
    return forms.images_pdf([form_photo])


@pytest.fixture(scope="session")
def id_photo() -> bytes:
    return pictures.photo_jpeg(1600, 1000, orientation=6, gps=True)
