"""The procedure decided from the whole message: credentials named, negated, hedged, paired.

Each row is a message as a doctor might write it, with the path it must lead to (or the
clarifying question). The sentences are the team's own, written for the failure classes:
a credential inside a request, formal mail style, English or mixed, descriptions instead of
names, negations and pairs, doubts, questions that must not change a known path.
"""

from __future__ import annotations

import pytest

from bot.dialogue.paths import CLARIFY, EXPLAIN, UNDECIDED_YET, resolve_path
from bot.nlu.credentials import ACT, ASKS, HAS, NOT, UNSURE, find_mentions


def decide(text: str, path: str | None = None, intent: str = "request_credentials"):
    return resolve_path(find_mentions(text), intent, 0.4, path)


FIRST_MESSAGES_A = [
    "salve, ho la carta nazionale dei servizi: cosa devo fare per il ruolo di medico esterno?",
    "Spettabile INAIL, scrivo in quanto titolare di TS-CNS per chiedere come si ottiene il profilo",
    "possiedo sia lo spid che le credenziali inps",
    "il codice inps ce l'ho, lo spid no",
    "uso le credenziali che mi servono per mandare i certificati di malattia all'inps",
    "io la ts l'ho attivata in farmacia, cosa devo fare?",
    "ho la tessera sanitaria con il chip e il lettore sul pc",
    "I'm a GP, I do have the CNS card, what should I do for the medico esterno role?",
    "I don't have SPID, only the INPS PIN",
    "ho ricevuto metà codice per sms e metà per pec, mi serve il ruolo di medico esterno",
    "sono medico competente ma ho anche la carta regionale dei servizi",
    "ho il pin dispositivo dell'inps",
    "buonasera, dovrei avere le credenziali dispositive inail, come si procede?",
    "nn ho lo spid però ho la crs della lombardia",
    "Gentili, dispongo delle credenziali INPS. Vorrei istruzioni per l'abilitazione. Saluti",
    "ho le credenziali generiche inail ma anche il pin inps",
    "la cns ce l'ho ma non l'ho mai usata sul portale inail",
    "se ho la cns come devo fare?",
]
FIRST_MESSAGES_B = [
    "non possiedo la cns, ho soltanto un account da cittadino sul portale inail",
    "non ho né cns né inps, sono registrato come utente generico",
    "sono medico competente e accedo con username e password",
    "uso il portale inail per l'allegato 3B come medico competente, come divento medico esterno?",
    "credenziali inail base, niente di più",
    "ho un'utenza inail normale, non quella dispositiva",
    "mi sono registrato sul sito dell'inail con la mia email, ho solo quello",
    "il pin inps l'avevo ma non ce l'ho più, ho l'utenza generica inail",
    "I signed up on the INAIL portal as a generic user, nothing else",
]
FIRST_MESSAGES_C = [
    "niente cns, niente pin inps, non mi sono mai iscritto da nessuna parte",
    "mai avuto credenziali",
    "non ho alcun tipo di accesso ai servizi online",
    "Egregi, non sono in possesso di credenziali di alcun genere per i servizi telematici",
    "parto da zero, non ho nulla",
    "non ho nessuna utenza, né generica né dispositiva",
    "I don't have any credentials at all",
    "sono al primo accesso in assoluto, mai registrato",
]
CLARIFY_CASES = [
    ("ho solo lo spid", "has_spid"),
    ("con la cie posso fare la domanda?", "has_cie"),
    ("ho la tessera sanitaria, non so se è attiva", "has_unspecified_health_card"),
    ("ho la tessera sanitaria ma non l'ho mai attivata", "tessera_non_attivata"),
    ("ho un pin ma non so di che tipo", "has_unspecified_pin"),
    ("ho un'utenza inail ma non ricordo se generica o dispositiva", "registered_unsure"),
    ("mi sono iscritto tempo fa ma non ricordo che tipo di utenza ho", "registered_unsure"),
    ("ho le credenziali del fascicolo sanitario", "other_credential"),
    ("qualche credenziale ce l'ho, non so bene quale", "which_credentials"),
    ("non ho la cns", "which_credentials"),
]


@pytest.mark.parametrize("text", FIRST_MESSAGES_A)
def test_any_strong_credential_held_leads_to_path_a(text: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.path) == (EXPLAIN, "A"), find_mentions(text)


@pytest.mark.parametrize("text", FIRST_MESSAGES_B)
def test_only_generic_inail_credentials_lead_to_path_b(text: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.path) == (EXPLAIN, "B"), find_mentions(text)


@pytest.mark.parametrize("text", FIRST_MESSAGES_C)
def test_no_credentials_at_all_lead_to_path_c(text: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.path) == (EXPLAIN, "C"), find_mentions(text)


@pytest.mark.parametrize(("text", "question"), CLARIFY_CASES)
def test_credentials_that_do_not_decide_get_the_right_question(text: str, question: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.clarify) == (CLARIFY, question), find_mentions(text)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("dove devo registrarmi come cittadino?", "C"),
        ("quindi non devo fare la registrazione come utente generico?", "A"),
        ("allora inailrisponde non lo uso?", "B"),
        ("il link di attivazione non mi è arrivato", "C"),
        ("e con lo spid non si può?", "A"),
        ("la CNS va bene lo stesso?", "B"),
    ],
)
def test_a_question_never_changes_a_known_path(text: str, path: str) -> None:
    decision = decide(text, path=path)
    assert decision.path == path and decision.action == UNDECIDED_YET, find_mentions(text)


def test_a_statement_about_own_credentials_changes_the_path_once() -> None:
    decision = decide("scusi, mi sono sbagliato: ho il pin dell'inps", path="C")
    assert (decision.path, decision.changed) == ("A", True)
    again = decide("sì, il pin dell'inps", path="A")
    assert again.same_again


def test_registering_on_path_c_is_progress_not_a_change_of_mind() -> None:
    decision = decide("fatto, mi sono registrata come utente generico", path="C")
    assert (decision.path, decision.progressed, decision.changed) == ("B", True, False)


def test_an_intent_alone_decides_only_when_sure_and_nothing_is_named() -> None:
    sure = resolve_path([], "has_generic_credentials", 0.95, None)
    unsure = resolve_path([], "has_generic_credentials", 0.6, None)
    assert (sure.action, sure.path) == (EXPLAIN, "B")
    assert unsure.action == UNDECIDED_YET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("non ho la CNS, solo l'utenza da cittadino", [("cns", NOT), ("generiche", HAS)]),
        ("né spid né cie, ho il pin inps", [("spid", NOT), ("cie", NOT), ("inps", HAS)]),
        ("non ho cns, pin inps o altro", [("cns", NOT), ("inps", NOT)]),
        ("lo SPID no, la CNS sì", [("spid", NOT), ("cns", HAS)]),
        ("non so se è la cns o la firma digitale", [("cns", UNSURE), ("altro", UNSURE)]),
        ("la CNS basta?", [("cns", ASKS)]),
        ("come mi iscrivo come utente generico?", [("generiche", ACT)]),
    ],
)
def test_each_mention_has_its_polarity(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.kind, m.polarity) for m in find_mentions(text)] == expected


def test_mentions_point_at_the_words_of_the_message() -> None:
    text = "Buongiorno, ho la TS-CNS attivata"
    (mention,) = find_mentions(text)
    assert text[mention.start : mention.end].lower().startswith("ts-cns")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("non ho username, password, pin o altro: nulla", "C"),
        ("registrato come cittadino, no cns no inps", "B"),
        ("non ho account inail, inps o cns: niente", "C"),
        ("la tessera non è attivata ma sono iscritto all'inail come cittadino", "B"),
        ("né spid, né cie, né pin inps", "C"),
    ],
)
def test_lists_after_a_negation_stay_negated(text: str, path: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.path) == (EXPLAIN, path), find_mentions(text)


@pytest.mark.parametrize(
    "text",
    [
        "devo allegare anche la tessera dell'ordine dei medici?",
        "mando la foto della carta d'identità?",
    ],
)
def test_documents_that_are_not_credentials_are_not_read_as_credentials(text: str) -> None:
    assert find_mentions(text) == []


def test_a_card_said_to_have_a_reader_but_doubted_is_a_question() -> None:
    decision = decide("ho la tessera e il lettore, però la tessera non so se è abilitata")
    assert decision.action == CLARIFY


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("uso la smartcard regionale per i servizi sanitari, va bene anche per voi?", "A"),
        ("entro nel cassetto previdenziale inps col mio pin", "A"),
        ("accedo all'inail con le credenziali che mi sono creato da solo", "B"),
        ("sul portale inail ho un profilo utente normale", "B"),
        ("non sono iscritto a nessun servizio online", "C"),
        ("I have nothing, never registered anywhere", "C"),
    ],
)
def test_descriptions_instead_of_names(text: str, path: str) -> None:
    decision = decide(text)
    assert (decision.action, decision.path) == (EXPLAIN, path), find_mentions(text)
