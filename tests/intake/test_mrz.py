"""The MRZ: ICAO 9303 check digits, and reading back what OCR gets wrong."""

from __future__ import annotations

from datetime import date

import pytest

from bot.intake.mrz import check_digit, clean_line, read_mrz, td1_lines, td3_lines
from bot.intake.samples.people import PEOPLE


def test_check_digits_match_the_icao_9303_worked_examples():
    # ICAO Doc 9303 part 3: document number, birth date and expiry of the specimen.
    assert check_digit("D23145890") == "7"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("<<<<<<") == "0"


@pytest.mark.parametrize("person", PEOPLE[:4], ids=lambda p: p.cognome)
def test_a_generated_td1_reads_back_with_every_field(person):
    read = read_mrz(td1_lines(person))
    assert read is not None and read.format == "TD1"
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())
    assert (read.birth, read.expiry, read.sex) == (person.nascita, person.scadenza, person.sesso)
    assert read.number == person.numero


def test_a_td3_passport_zone_reads_back():
    person = PEOPLE[2]
    read = read_mrz(td3_lines(person))
    assert read is not None and read.format == "TD3"
    assert read.number == person.numero and read.expiry == person.scadenza


def test_usual_ocr_confusions_are_corrected_by_position():
    person = PEOPLE[0]
    l1, l2, l3 = td1_lines(person)
    # O for 0 in the dates, K for the filler, the number's 0 read as O, spaces inside.
    noisy1 = l1.replace("<", "K", 3).replace("0", "O")
    noisy2 = l2[:6].replace("0", "O") + l2[6:].replace("<<<", "<K<")
    noisy3 = l3.replace("<<<<", "<KK<", 1)
    read = read_mrz([noisy1, noisy2, " ".join(noisy3)])
    assert read is not None
    assert read.number == person.numero and read.birth == person.nascita


def test_a_wrong_check_digit_is_not_accepted():
    l1, l2, l3 = td1_lines(PEOPLE[1])
    broken = l2[:6] + str((int(l2[6]) + 1) % 10) + l2[7:]
    assert read_mrz([l1, broken, l3]) is None


def test_passes_of_the_same_zone_are_combined_line_by_line():
    l1, l2, l3 = td1_lines(PEOPLE[3])
    first = [l1, l2[:-1] + "X", l3]  # composite digit lost in this pass
    second = ["GARBAGE" + l1[7:], l2, l3]  # first line wrong in this one
    read = read_mrz(first, second)
    assert read is not None and read.cognome == PEOPLE[3].cognome.upper()


def test_filler_lookalikes_become_fillers_only_between_fillers():
    assert clean_line("KATIA<<KKK<") == "KATIA<<<<<<"
    assert clean_line("ROSSI<<MIRK") == "ROSSI<<MIRK"


def test_dates_far_in_the_past_and_future_get_the_right_century():
    person = PEOPLE[3].with_document("CF55420PS", date(2020, 1, 1), date(2031, 1, 17))
    read = read_mrz(td1_lines(person))
    assert read is not None and read.birth == date(1966, 1, 17) and read.expiry.year == 2031


def test_a_names_line_read_short_still_counts_and_the_passes_vote_on_each_name():
    person = PEOPLE[1]
    l1, l2, _ = td1_lines(person)
    names = f"{person.cognome.upper()}<<{person.nome.upper()}"
    # One pass reads a filler stuck to the given name, another the fillers as fewer `<` (a
    # line shorter than a zone's), a third a stray letter before the surname.
    noisy = [l1, l2, (names + "K<X").ljust(30, "<")]
    short = [l1, l2, names + "<<<<<"]
    stray = [l1, l2, ("I" + names).ljust(30, "<")]
    read = read_mrz(noisy, short, stray)
    assert read is not None
    assert (read.cognome, read.nome) == (person.cognome.upper(), person.nome.upper())


def test_a_single_reading_of_the_names_is_kept_as_read():
    person = PEOPLE[2]
    l1, l2, _ = td1_lines(person)
    read = read_mrz([l1, l2, f"{person.cognome.upper()}<<{person.nome.upper()}K".ljust(30, "<")])
    assert read is not None and read.nome == person.nome.upper() + "K"
