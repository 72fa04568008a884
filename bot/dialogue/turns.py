"""One turn of the conversation outside the filing form: what the doctor said, what to answer.

Plain values in (`Turn`, `State`), plain values out (`Outcome`); no Rasa. The action
`action_respond` (actions/conversation.py) reads the tracker, calls `respond`, and sends.

The order of the checks is the dialogue's policy:
1. a message with no words gets "non ho ricevuto nessun testo" (never a yes);
2. credentials named in the message decide the path (bot.dialogue.paths), whatever the intent;
3. a yes or a no answers the question the assistant asked last;
4. a question about a channel gets the answer for the doctor's path;
5. on path C, "fatto, mi sono registrato" moves to the next step;
6. otherwise the intent: a question is answered for the path with a short pointer back,
   greetings and thanks briefly, and what is not understood gets options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.dialogue import answers, paths, replies
from bot.dialogue.content import Button, Content, Reply
from bot.nlu.credentials import Mention
from bot.tickets.numbers import ticket_number_in_text

Path = str

QUESTION_INTENTS = frozenset(
    {
        "ask_module_download",
        "ask_attachments",
        "ask_data_mismatch",
        "ask_confirmation_email",
        "ask_processing_time",
        "ask_categorisation",
        "ask_is_bot",
        "ask_human",
        "ask_capabilities",
        "out_of_scope",
    }
)
# Questions that are about the procedure: with credentials named in the same message, the
# answer comes with the path's reminder instead of the whole procedure.
PROCEDURE_QUESTIONS = QUESTION_INTENTS - {"ask_is_bot", "ask_human", "out_of_scope"}
# Below this an intent is not trusted to answer a question.
QUESTION_CONFIDENCE = 0.5

# The last thing the assistant invited the doctor to do (slot `last_prompt`).
PROMPT_CREDENTIALS = "credenziali"
PROMPT_REMINDER = "promemoria"
PROMPT_OFFER = "offerta_invio"

# Yes/no questions the assistant may have asked (slot `pending_question`).
Q_OFFER = "offerta_invio"
Q_CONFIRM = "conferma_invio"
Q_CARD_ACTIVE = "tessera_attivata"
Q_OTHER_CREDENTIALS = "altre_credenziali"
# An outcome that leaves a slot as it was.
KEEP = "__keep__"


@dataclass(frozen=True)
class Turn:
    """What the doctor's latest message says, as NLU read it."""

    text: str
    intent: str
    confidence: float = 1.0
    ranking: Sequence[tuple[str, float]] = ()
    mentions: Sequence[Mention] = ()
    is_button: bool = False  # a button payload the assistant offered


@dataclass(frozen=True)
class State:
    """Where the conversation stands before this message."""

    path: Path | None = None
    pending_question: str | None = None
    last_prompt: str | None = None
    misunderstood_in_a_row: int = 0  # counting this message if it was not understood


@dataclass
class Outcome:
    """What to answer, and what changes: the path, the question pending, what to do next."""

    replies: list[Reply] = field(default_factory=list)
    path: Path | None = None
    credential: str | None = None
    set_path: bool = False
    pending_question: str | None = KEEP
    last_prompt: str | None = KEEP
    start_form: bool = False  # the doctor accepted to file the request here
    file_ticket: bool = False  # the doctor confirmed the summary
    confirm_declined: bool = False
    report_status: bool = False  # a ticket number was written: the status exchange

    def settled(self, state: State) -> Outcome:
        if self.pending_question == KEEP:
            self.pending_question = state.pending_question
        if self.last_prompt == KEEP:
            self.last_prompt = state.last_prompt
        return self


def respond(content: Content, turn: Turn, state: State) -> Outcome:
    """What the assistant answers to one message outside the filing form."""
    return _respond(content, turn, state).settled(state)


# Intents that lead to the same answer: a classifier torn between two of them (and so "not
# understood" by the ambiguity check) has understood all the same.
_SAME_ANSWER = (
    frozenset({"thank", "goodbye"}),
    frozenset({"affirm", "confirm_filing"}),
    frozenset({"request_credentials", *paths.PATH_BY_INTENT}),
)
AMBIGUOUS_CONFIDENCE = 0.3


def understood_intent(turn: Turn) -> str:
    """The intent, or for "not understood" between two intents with one answer, that answer."""
    if turn.intent != "nlu_fallback":
        return turn.intent
    ranked = [(name, confidence) for name, confidence in turn.ranking if name != "nlu_fallback"]
    if len(ranked) < 2 or ranked[0][1] < AMBIGUOUS_CONFIDENCE:
        return turn.intent
    first, second = ranked[0][0], ranked[1][0]
    if any(first in group and second in group for group in _SAME_ANSWER):
        return first
    return turn.intent


def _respond(content: Content, turn: Turn, state: State) -> Outcome:
    intent = understood_intent(turn)
    if intent != turn.intent:
        confidence = dict(turn.ranking).get(intent, 0.0)
        turn = Turn(turn.text, intent, confidence, turn.ranking, turn.mentions, turn.is_button)
    if not turn.is_button and not answers.has_words(turn.text):
        return Outcome([replies.empty_message(content)])
    if ticket_number_in_text(turn.text) is not None:
        return Outcome(report_status=True)

    decision = paths.resolve_path(turn.mentions, turn.intent, turn.confidence, state.path)
    if decision.action == paths.EXPLAIN and not decision.same_again:
        return _explain(content, turn, decision)
    if decision.action == paths.EXPLAIN and state.path is None:
        return _explain(content, turn, decision)

    yes_no = _yes_no(content, turn, state)
    if yes_no is not None:
        return yes_no

    if decision.action == paths.EXPLAIN:  # the same path stated again
        return _same_path(content, turn, state)
    if decision.action == paths.CLARIFY:
        reply, question = replies.clarification(content, decision.clarify or "which_credentials")
        messages = [reply]
        if turn.intent in PROCEDURE_QUESTIONS and turn.confidence >= QUESTION_CONFIDENCE:
            # "Va bene la CIE come documento da allegare?": the answer first, then the question.
            messages = [*replies.answer(content, turn.intent, None), reply]
        return Outcome(messages, pending_question=question, last_prompt=PROMPT_CREDENTIALS)

    if state.path is not None:
        channel = _channel_question(turn, state.path)
        if channel is not None:
            text = content.render(content.section("channel_answers", state.path, channel))
            return Outcome([Reply(text, _pointer_buttons(content))], last_prompt=PROMPT_REMINDER)
        if state.path == "C" and _registration_done(turn):
            progressed = paths.PathDecision(paths.EXPLAIN, "B", progressed=True)
            return _explain(content, turn, progressed)

    return _by_intent(content, turn, state)


def _explain(content: Content, turn: Turn, decision: paths.PathDecision) -> Outcome:
    path = decision.path or "A"
    credential = next(iter(decision.credentials), None)
    question = turn.intent in PROCEDURE_QUESTIONS and turn.confidence >= QUESTION_CONFIDENCE
    if path == "B" and answers.confirmation_email_missing(turn.text):
        # "Mi sono registrato come utente generico ma la mail non arriva": still path C,
        # waiting for the confirmation of the registration.
        path, credential, question = "C", None, True
        turn = Turn(turn.text, "ask_confirmation_email", 1.0, turn.ranking, turn.mentions)
    if question and not decision.changed and not decision.progressed:
        # "Ho la CNS: che documenti devo allegare?": the answer, for this path, and the path.
        messages = replies.answer(content, turn.intent, path)
        messages.append(replies.continue_prompt(content, path))
        messages.append(replies.filing_offer(content))
    else:
        messages = replies.path_explanation(
            content,
            path,
            list(decision.credentials),
            changed=decision.changed,
            progressed=decision.progressed,
        )
    return Outcome(
        messages,
        path=path,
        credential=credential,
        set_path=True,
        pending_question=Q_OFFER,
        last_prompt=PROMPT_OFFER,
    )


def _same_path(content: Content, turn: Turn, state: State) -> Outcome:
    path = state.path or "A"
    if turn.intent in PROCEDURE_QUESTIONS and turn.confidence >= QUESTION_CONFIDENCE:
        return _answer(content, turn, state)
    reminder = content.render(content.section("paths", path, "reminder"))
    text = content.render(content.section("continue", "same_path"), reminder=reminder)
    return Outcome(
        [Reply(text), replies.filing_offer(content)],
        pending_question=Q_OFFER,
        last_prompt=PROMPT_OFFER,
    )


_YES_NO_INTENTS = frozenset({"affirm", "deny", "confirm_filing", "file_request", "nlu_fallback"})


def _yes_no(content: Content, turn: Turn, state: State) -> Outcome | None:
    """A yes or a no to the question asked last; None when the message is neither."""
    question = state.pending_question
    if question is None or turn.intent not in _YES_NO_INTENTS:
        return None
    if turn.is_button:
        yes, no = turn.intent in ("affirm", "confirm_filing"), turn.intent == "deny"
    elif turn.intent in ("affirm", "confirm_filing", "deny"):
        yes = turn.intent != "deny" and answers.says_yes(turn.text)
        no = turn.intent == "deny" and answers.says_no(turn.text)
    else:
        # "sì, invia la richiesta" read as a request to file, or not understood at all:
        # a yes only when its words say yes, and only to the two filing questions.
        yes = question in (Q_CONFIRM, Q_OFFER) and answers.says_yes(turn.text)
        no = False
        if not yes:
            return None
    if question == Q_CONFIRM:
        if not (yes or no):  # "affirm" from a classifier, but no word that says yes
            text = content.render(content.section("filing", "confirm_needs_words"))
            buttons = content.buttons(content.section("filing", "confirm_buttons"))
            return Outcome([Reply(text, buttons)])
        return Outcome([], file_ticket=yes, confirm_declined=no, pending_question=None)
    if not (yes or no):
        return None
    if question == Q_OFFER:
        if yes:
            return Outcome([], start_form=True, pending_question=None)
        text = content.render(content.section("continue", "offer_declined"))
        return Outcome([Reply(text)], pending_question=None, last_prompt=None)
    if question == Q_CARD_ACTIVE:
        if yes:
            return _explain(content, turn, paths.PathDecision(paths.EXPLAIN, "A", ("cns",)))
        reply, follow_up = replies.clarification(content, "tessera_non_attivata")
        return Outcome([reply], pending_question=follow_up, last_prompt=PROMPT_CREDENTIALS)
    if question == Q_OTHER_CREDENTIALS:
        if no:  # nothing beyond SPID, CIE or a card not activated: path C
            return _explain(content, turn, paths.PathDecision(paths.EXPLAIN, "C"))
        reply, _ = replies.clarification(content, "which_credentials")
        return Outcome([reply], pending_question=None, last_prompt=PROMPT_CREDENTIALS)
    return None


def _channel_question(turn: Turn, path: Path) -> str | None:
    """The channel a question is about ("allora InailRisponde non mi serve?"), if any.

    Another path's channel is always answered for the doctor's path; their own channel only
    when the question is not one of its own ("InailRisponde: che categoria scelgo?").
    """
    if not answers.is_question(turn.text) and turn.intent not in ("request_credentials",):
        return None
    named = answers.channels_named(turn.text)
    others = [channel for channel in named if channel != path]
    if others:
        return others[0]
    confident_question = turn.intent in QUESTION_INTENTS and turn.confidence >= QUESTION_CONFIDENCE
    if named and not (confident_question and turn.intent != "ask_confirmation_email"):
        return named[0]
    return None


def _registration_done(turn: Turn) -> bool:
    """ "Fatto, ho confermato la mail": a step done (the words mail and link are no question)."""
    if not answers.registration_done(turn.text) or answers.is_question(turn.text):
        return False
    return turn.intent not in QUESTION_INTENTS or turn.intent == "ask_confirmation_email"


def _answer(content: Content, turn: Turn, state: State) -> Outcome:
    """A question answered for the doctor's path, with a short pointer back, said once."""
    messages = replies.answer(content, turn.intent, state.path)
    if turn.intent in ("ask_human", "out_of_scope", "ask_is_bot"):
        pointer_wanted = state.path is None and state.last_prompt != PROMPT_CREDENTIALS
    else:
        pointer_wanted = True
    if state.path is None:
        if pointer_wanted and state.last_prompt != PROMPT_CREDENTIALS:
            messages.append(replies.continue_prompt(content, None))
            return Outcome(messages, last_prompt=PROMPT_CREDENTIALS)
        return Outcome(messages)
    if state.last_prompt == PROMPT_REMINDER or not pointer_wanted:
        last = messages[-1]
        messages[-1] = Reply(last.text, last.buttons or _pointer_buttons(content))
        return Outcome(messages)
    messages.append(replies.continue_prompt(content, state.path))
    return Outcome(messages, last_prompt=PROMPT_REMINDER)


def _pointer_buttons(content: Content) -> tuple[Button, ...]:
    return content.buttons(content.section("continue", "known", "buttons"))


def _by_intent(content: Content, turn: Turn, state: State) -> Outcome:
    intent = turn.intent
    if intent in QUESTION_INTENTS:
        return _answer(content, turn, state)
    if intent == "greet":
        if state.path is None:
            greeting = Reply(content.render(content.section("small_talk", "greeting")))
            return Outcome(
                [greeting, replies.continue_prompt(content, None)],
                last_prompt=PROMPT_CREDENTIALS,
            )
        text = content.render(content.section("continue", "greet_known"))
        return Outcome([Reply(text, _pointer_buttons(content))])
    if intent in ("thank", "goodbye"):
        key = "youre_welcome" if intent == "thank" else "goodbye"
        return Outcome([Reply(content.render(content.section("small_talk", key)))])
    if intent == "confirm_filing":  # nothing pending: the filing says there is nothing to confirm
        if turn.is_button or answers.says_yes(turn.text):
            return Outcome(file_ticket=True)
        text = content.render(content.section("filing", "confirm_needs_words"))
        return Outcome([Reply(text)])
    if intent == "request_credentials":
        if state.path is not None:
            return _explain(content, turn, paths.PathDecision(paths.EXPLAIN, state.path))
        return Outcome([replies.continue_prompt(content, None)], last_prompt=PROMPT_CREDENTIALS)
    if intent in paths.PATH_BY_INTENT or intent in paths.CLARIFY_INTENTS:
        # Named nothing the assistant recognises, and the classifier is not sure enough.
        if state.path is not None:
            return _answer_same(content, state)
        return Outcome([replies.continue_prompt(content, None)], last_prompt=PROMPT_CREDENTIALS)
    if intent in ("affirm", "deny"):
        if state.path is not None:
            return _answer_same(content, state)
        return Outcome([replies.continue_prompt(content, None)], last_prompt=PROMPT_CREDENTIALS)
    reply = replies.fallback(content, state.misunderstood_in_a_row, turn.ranking)
    return Outcome([reply])


def _answer_same(content: Content, state: State) -> Outcome:
    """A "sì"/"ok" with nothing pending, or credentials the assistant could not read."""
    return Outcome([replies.continue_prompt(content, state.path)], last_prompt=PROMPT_REMINDER)
