"""PDFs shaped like the INAIL request form (ucm_220206) and like an ID document scan."""

from __future__ import annotations

import io
from collections.abc import Mapping

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME

TITLE = "Domanda di abilitazione ai servizi online INAIL - Medico esterno"
BODY = (
    "Il sottoscritto chiede il rilascio delle credenziali dispositive per l'accesso ai servizi "
    "telematici INAIL in qualità di Medico esterno. Allega copia fronte/retro di un documento "
    "d'identità in corso di validità."
)
# (field name, label on the page, required flag)
FORM_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("cognome", "Cognome", True),
    ("nome", "Nome", True),
    ("codice_fiscale", "Codice fiscale", True),
    ("luogo_nascita", "Luogo di nascita", False),
    ("data_nascita", "Data di nascita", False),
    ("email", "Indirizzo e-mail / PEC", False),
    ("telefono", "Telefono", False),
)
FILLED_VALUES: dict[str, str] = {
    "cognome": COGNOME,
    "nome": NOME,
    "codice_fiscale": CODICE_FISCALE,
    "luogo_nascita": "Roma",
    "data_nascita": "01/01/1980",
    "email": "mario.rossi@example.org",
    "telefono": "06 1234567",
}


def _fpdf_text_pdf(lines: list[str], title: str | None = None) -> bytes:
    from fpdf import FPDF  # test dependency

    pdf = FPDF(format="A4")
    pdf.add_page()
    if title:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(0, 8, title)
        pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line)
        pdf.ln(2)
    return bytes(pdf.output())


def text_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A plain text PDF (e.g. an invoice: not the form)."""
    return _fpdf_text_pdf(lines, title)


def form_pdf(
    values: Mapping[str, str] | None = None,
    with_signature_field: bool = False,
    title: str = TITLE,
) -> bytes:
    """The request form with AcroForm text fields; `values=None` leaves them all empty."""
    labels = [BODY, ""] + [f"{label}: ____________________" for _, label, _ in FORM_FIELDS]
    labels += ["", "Data ______________    Firma del medico ______________________"]
    base = _fpdf_text_pdf(labels, title)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    page = writer.pages[0]
    font_ref = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    annotations = ArrayObject()
    fields = ArrayObject()
    for index, (name, _label, required) in enumerate(FORM_FIELDS):
        top = 700 - index * 22
        widget = _widget(name, (260, top, 520, top + 16), page.indirect_reference)
        widget[NameObject("/FT")] = NameObject("/Tx")
        widget[NameObject("/Ff")] = NumberObject(2 if required else 0)
        widget[NameObject("/DA")] = TextStringObject("/Helv 10 Tf 0 g")
        value = (values or {}).get(name, "")
        widget[NameObject("/V")] = TextStringObject(value)
        ref = writer._add_object(widget)
        annotations.append(ref)
        fields.append(ref)
    if with_signature_field:
        signature = _widget("firma", (300, 120, 520, 160), page.indirect_reference)
        signature[NameObject("/FT")] = NameObject("/Sig")
        ref = writer._add_object(signature)
        annotations.append(ref)
        fields.append(ref)
    page[NameObject("/Annots")] = annotations
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): fields,
            NameObject("/NeedAppearances"): BooleanObject(True),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
            NameObject("/DR"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font_ref})}
            ),
        }
    )
    writer.add_metadata({"/Title": "Domanda di abilitazione Medico esterno"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _widget(name: str, rect: tuple[int, int, int, int], page_ref: object) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/F"): NumberObject(4),
            NameObject("/P"): page_ref,
        }
    )


def filled_form_pdf(**overrides: str) -> bytes:
    """The form filled in for the sample doctor; keyword arguments change single fields."""
    return form_pdf({**FILLED_VALUES, **overrides})


def blank_form_pdf() -> bytes:
    return form_pdf(None)


def encrypted_pdf(user_password: str = "segreta", owner_password: str = "proprietario") -> bytes:
    """The filled form, AES-256 encrypted; `user_password=""` opens without a password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(filled_form_pdf())))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_form_pdf() -> bytes:
    """The filled form running JavaScript when opened."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(filled_form_pdf())))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('ciao');"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def images_pdf(jpegs: list[bytes]) -> bytes:
    """One A4 page per JPEG, as a scanner writes it: no text layer."""
    from fpdf import FPDF  # test dependency

    pdf = FPDF(format="A4")
    for jpeg in jpegs:
        pdf.add_page()
        pdf.image(io.BytesIO(jpeg), x=10, y=10, w=190)
    return bytes(pdf.output())
