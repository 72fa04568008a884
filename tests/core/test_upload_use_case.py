"""The upload use case's pure parts: retakes counted from the conversation, the API's `read`."""

from __future__ import annotations

from bot.uploads import UploadOutcome, retakes_asked


def _user(intent: str, codes: list[str] | None = None) -> dict:
    entities = [{"entity": "upload_problem_code", "value": codes}] if codes is not None else []
    return {"event": "user", "parse_data": {"intent": {"name": intent}, "entities": entities}}


def test_retakes_are_counted_since_the_last_accepted_file():
    events = [
        _user("upload_rejected", ["documento_illeggibile"]),
        _user("upload_received"),
        _user("upload_rejected", ["documento_illeggibile"]),
        {"event": "bot", "text": "Rifaccia la foto"},
        _user("upload_rejected", ["modulo_senza_firma_autografa"]),
        _user("upload_rejected", ["tipo_non_ammesso"]),  # a GIF is not a retake
    ]
    assert retakes_asked({"events": events}) == 2
    assert retakes_asked({"events": [*events, _user("upload_received")]}) == 0
    assert retakes_asked({}) == 0


def test_the_answer_has_read_only_when_something_was_read():
    assert "read" not in UploadOutcome(accepted=True, purpose="modulo").as_dict()
    read = {"kind": "patente", "side": "fronte", "source": "ocr", "cognome": "FERRI"}
    answer = UploadOutcome(accepted=True, purpose="documento_fronte", read=read).as_dict()
    assert answer["read"] == read and answer["purpose"] == "documento_fronte"
