import pytest

from bot.tickets.personal_data import (
    cf_check_character,
    cf_name_code,
    cf_surname_code,
    check_cap,
    check_codice_ditta,
    check_codice_fiscale,
    check_email,
    check_name,
    check_numero_caso,
    check_telefono,
    check_unita,
    suggest_unita,
)
from bot.tickets.texts import error_message


@pytest.mark.parametrize(
    "code",
    [
        "RSSMRA80A01H501U",  # Mario Rossi, 1 Jan 1980, Roma
        "MRTMTT25D09F205Z",  # Matteo Moretti, 9 Apr 1925, Milano (the textbook example)
    ],
)
def test_known_codes_have_the_right_check_character(code):
    assert cf_check_character(code[:15]) == code[15]
    assert check_codice_fiscale(code).value == code


def test_a_wrong_check_character_is_caught():
    assert check_codice_fiscale("RSSMRA80A01H501X").error == "cf_carattere_controllo"


def test_codes_are_normalised_before_checking():
    assert check_codice_fiscale(" rssmra 80a01 h501u ").value == "RSSMRA80A01H501U"


@pytest.mark.parametrize(
    "code",
    ["", "RSSMRA80A01H501", "RSSMRA80Z01H501U", "R5SMRA80A01H501U", "RSSMRA80A01H501UU"],
)
def test_malformed_codes_are_refused(code):
    assert check_codice_fiscale(code).error in ("cf_mancante", "cf_formato")


def test_impossible_birth_days_are_refused():
    body = "RSSMRA80A35H501"  # day 35: neither a man's (1-31) nor a woman's (41-71)
    assert check_codice_fiscale(body + cf_check_character(body)).error == "cf_data"


def test_omocodia_letters_replace_digits():
    body = "RSSMRA80A01H50M"  # last digit of the town code 1 -> M
    code = body + cf_check_character(body)
    assert check_codice_fiscale(code, nome="Mario", cognome="Rossi").ok
    body = "RSSMRAUPALMHRNM"  # every digit replaced
    assert check_codice_fiscale(body + cf_check_character(body)).ok


def test_a_woman_has_forty_added_to_the_birth_day():
    body = "BNCMRA90E55F205"  # Maria Bianchi, 15 May 1990, Milano
    code = body + cf_check_character(body)
    assert check_codice_fiscale(code, nome="Maria", cognome="Bianchi").ok


@pytest.mark.parametrize(
    ("surname", "expected"),
    [("Rossi", "RSS"), ("Bianchi", "BNC"), ("Fo", "FOX"), ("Rea", "REA"), ("D'Angelo", "DNG"),
     ("De Luca", "DLC"), ("Oe", "OEX")],
)  # fmt: skip
def test_surname_code_takes_consonants_then_vowels_then_x(surname, expected):
    assert cf_surname_code(surname) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Mario", "MRA"), ("Gianfranco", "GFR"), ("Ugo", "GUO"), ("Nicolò", "NCL"),
     ("Alberto", "LRT"), ("Anna Maria", "NMR"), ("Al", "LAX"), ("Matteo", "MTT")],
)  # fmt: skip
def test_name_code_takes_first_third_fourth_consonant_when_there_are_four(name, expected):
    assert cf_name_code(name) == expected


def test_a_code_of_someone_else_is_caught():
    assert check_codice_fiscale("RSSMRA80A01H501U", cognome="Bianchi").error == "cf_cognome"
    assert check_codice_fiscale("RSSMRA80A01H501U", nome="Luigi").error == "cf_nome"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("333 1234567", "+393331234567"),
        ("+39 333.123.4567", "+393331234567"),
        ("0039-333-1234567", "+393331234567"),
        ("(06) 1234567", "+39061234567"),
        ("02/12345678", "+390212345678"),
        ("0471 123456", "+390471123456"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, expected):
    assert check_telefono(typed).value == expected


@pytest.mark.parametrize(
    "typed", ["", "12345", "800 123456", "+41 79 123 45 67", "333 12", "3331234567890"]
)
def test_other_phone_numbers_are_refused(typed):
    assert not check_telefono(typed).ok


@pytest.mark.parametrize(
    "address", ["mario.rossi@example.it", "m.rossi@pec.omceo-roma.it", "Mario+inail@Legalmail.IT"]
)
def test_plain_and_pec_addresses_are_accepted(address):
    assert check_email(address).ok


def test_the_domain_of_an_address_is_lowercased():
    assert check_email(" Mario@PEC.IT ").value == "Mario@pec.it"


@pytest.mark.parametrize(
    "address",
    ["", "mario", "mario@", "@pec.it", "mario@pec", "ma rio@pec.it", "a..b@pec.it", "a@b@c.it"],
)
def test_malformed_addresses_are_refused(address):
    assert not check_email(address).ok


@pytest.mark.parametrize("cap", ["00010", "00184", "20121", "09121", "47921", "98168", "39100"])
def test_real_caps_are_accepted(cap):
    assert check_cap(cap).value == cap


@pytest.mark.parametrize(
    ("cap", "error"),
    [("", "cap_mancante"), ("0018", "cap_formato"), ("0018A", "cap_formato"),
     ("00000", "cap_inesistente"), ("00009", "cap_inesistente"), ("49100", "cap_inesistente"),
     ("68100", "cap_inesistente"), ("77100", "cap_inesistente"), ("98169", "cap_inesistente"),
     ("99999", "cap_inesistente"), ("47891", "cap_inesistente")],
)  # fmt: skip
def test_caps_outside_italy_are_refused(cap, error):
    assert check_cap(cap).error == error


@pytest.mark.parametrize(
    ("cap", "sede"),
    [("00184", "INAIL - Sede di Roma"), ("20121", "INAIL - Sede di Milano"),
     ("20900", "INAIL - Sede di Monza"), ("10121", "INAIL - Sede di Torino"),
     ("80133", "INAIL - Sede di Napoli"), ("90133", "INAIL - Sede di Palermo"),
     ("33170", "INAIL - Sede di Pordenone"), ("34170", "INAIL - Sede di Gorizia"),
     ("47921", "INAIL - Sede di Rimini"), ("88900", "INAIL - Sede di Crotone"),
     ("39100", "INAIL - Sede di Bolzano")],
)  # fmt: skip
def test_the_office_is_suggested_from_the_province(cap, sede):
    assert suggest_unita(cap) == sede


@pytest.mark.parametrize("cap", ["07026", "08048", "09013", "76121", "99999", "", None])
def test_no_office_is_suggested_where_the_cap_does_not_tell(cap):
    assert suggest_unita(cap) is None


def test_the_doctor_may_choose_another_office():
    assert check_unita("INAIL - Sede di Tivoli", cap="00184").value == "INAIL - Sede di Tivoli"
    assert check_unita("", cap="00184").value == "INAIL - Sede di Roma"
    assert check_unita("", cap="07026").error == "unita_mancante"


def test_codice_ditta_and_numero_caso_are_optional_digits():
    assert check_codice_ditta(None).ok and check_codice_ditta(None).value is None
    assert check_codice_ditta("1234 5678").value == "12345678"
    assert check_codice_ditta("12AB").error == "codice_ditta_formato"
    assert check_codice_ditta("123").error == "codice_ditta_formato"
    assert check_numero_caso("").value is None
    assert check_numero_caso("2026-000123").value == "2026000123"
    assert check_numero_caso("1" * 16).error == "numero_caso_formato"


def test_names_allow_accents_apostrophes_and_spaces():
    assert check_name("  Anna   Maria ").value == "Anna Maria"
    assert check_name("D'Angelo", "cognome").ok
    assert check_name("Nicolò").ok
    assert check_name("R2D2").error == "nome_formato"
    assert check_name("", "cognome").error == "cognome_mancante"


def test_every_error_code_has_an_italian_message():
    codes = [
        "cf_mancante", "cf_formato", "cf_data", "cf_carattere_controllo", "cf_cognome", "cf_nome",
        "email_mancante", "email_formato", "telefono_mancante", "telefono_formato",
        "cap_mancante", "cap_formato", "cap_inesistente", "unita_mancante", "nome_mancante",
        "cognome_mancante", "nome_formato", "cognome_formato", "codice_ditta_formato",
        "numero_caso_formato",
    ]  # fmt: skip
    generic = error_message("errore_generico")
    assert all(error_message(code) != generic for code in codes)


def test_every_domain_error_has_an_italian_message():
    from bot.tickets import errors

    generic = error_message("errore_generico")
    domain_errors = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.TicketError)
    ]
    assert all(error_message(error.code) != generic for error in domain_errors)
    assert error_message("percorso_non_valido") != generic
    assert error_message("conversazione_mancante") != generic
