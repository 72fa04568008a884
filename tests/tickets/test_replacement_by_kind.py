"""A file sent for a ticket *da integrare* replaces only the attachment of the same kind."""

from __future__ import annotations

from bot.intake import check_upload
from bot.intake.samples import pictures
from bot.storage import store_attachment
from bot.tickets import add_attachments_to_ticket, change_status, file_ticket, get_ticket_detail
from bot.tickets.workflow import replaced_purposes


def _current(uow, number):
    detail = get_ticket_detail(uow, number)
    return sorted(a.purpose for a in detail.attachments if a.superseded_at is None)


def test_a_sharper_front_sent_where_the_form_was_expected_replaces_only_the_front(
    uow, make_request, upload_documents, files_dir
):
    upload_documents("conv-9")
    number = file_ticket(uow, make_request("conv-9"), "key-9").number
    change_status(uow, number, "da_integrare", "operatore", "Una foto più nitida del fronte")
    # Outside the filing form nothing is "asked": the upload's default purpose is the form.
    checked = check_upload(pictures.photo_jpeg(), "modulo")
    assert checked.accepted and checked.purpose == "documento_fronte"
    store_attachment(uow, "conv-9", checked.purpose, checked, files_dir=files_dir)

    add_attachments_to_ticket(uow, number, "conv-9")

    assert _current(uow, number) == ["documento_fronte", "documento_retro", "modulo"]
    detail = get_ticket_detail(uow, number)
    replaced = [a.purpose for a in detail.attachments if a.superseded_at is not None]
    assert replaced == ["documento_fronte"]


def test_one_file_with_both_sides_replaces_both_sides_and_nothing_else():
    assert replaced_purposes(["documento"]) == ["documento", "documento_fronte", "documento_retro"]
    assert replaced_purposes(["documento_retro"]) == ["documento_retro"]
    assert replaced_purposes(["modulo"]) == ["modulo"]
