"""The fields taken from OCR'd text (no images): numbers, the licence's labels, the form's rows."""

from __future__ import annotations

from bot.intake.reading import FORM, LICENCE, PASSPORT, document_number, from_lines, read_fields


def test_the_mrz_number_s_6_or_g_is_settled_by_the_italian_formats():
    # 6 and G (like 8/S, 5/Z) have the same value for the check digit: both pass it.
    assert document_number("CA123456B", None) == "CA12345GB"
    assert document_number("CA12345GB", None) == "CA12345GB"
    assert document_number("YA1234567", None) == "YA1234567"
    assert document_number("CA12345GB", "CA12345GB") == "CA12345GB"
    assert document_number("X1<", None) == "X1<"  # nothing fits: kept as read
    assert document_number(None, "CA12345GB") == "CA12345GB"


def test_a_card_number_split_by_a_space_is_still_the_number():
    lines = ["REPUBBLICA ITALIANA", "CARTA DI IDENTITA", "COMUNE DI / MUNICIPALITY CA123 45GB"]
    assert read_fields(PASSPORT, lines)["numero_documento"] == "CA12345GB"


def test_the_licence_field_one_read_as_a_letter():
    lines = ["PATENTE DI GUIDA", "l. ROSSI", "2. ANNA", "3. 01/02/80 ROMA"]
    fields = read_fields(LICENCE, lines)
    assert (fields["cognome"], fields["nome"]) == ("ROSSI", "ANNA")


def test_the_form_read_in_columns_is_read_by_rows():
    # OCR gave the labels' column, then the values' column; the rows pair them again.
    columns = [
        "INAIL",
        "DOMANDA DI ABILITAZIONE",
        "Cognome",
        "Nome",
        "Medico esterno",
        "Rossi",
        "Anna",
    ]
    rows = ["INAIL", "DOMANDA DI ABILITAZIONE", "Cognome Rossi", "Nome Anna", "Medico esterno"]
    assert from_lines(columns).cognome is None
    read = from_lines(columns, rows=rows)
    assert read.kind == FORM and (read.cognome, read.nome) == ("ROSSI", "ANNA")
