"""Which credentials a message names, and whether the doctor has them, lacks them or is unsure.

Pure functions, no Rasa: `bot.nlu.credential_extractor` turns the mentions into `credenziale`
entities with a role, and `bot.dialogue.paths` decides the procedure from them.

    find_mentions("non ho la CNS, solo l'utenza da cittadino")
    -> [Mention("cns", NOT, ...), Mention("generiche", HAS, ...)]

Doctors name credentials in many ways ("la tessera col chip e il lettore", "il pin con cui mando
i certificati"), negate them ("niente SPID", "il pin inps non ce l'ho più"), list them ("né CNS
né INPS") and hedge ("non so se è generica o dispositiva"). The text is normalised (lower case,
no accents, chat abbreviations expanded), cut into segments at punctuation and at "ma", "però",
"solo"; each mention takes its polarity from the words around it in its segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu.normalise import ABBREVIATIONS, strip_accents

# Polarity of a mention.
HAS = "ha"  # the doctor says they have it
NOT = "non_ha"  # they say they do not have it
UNSURE = "incerto"  # they do not know whether it is this one
ASKS = "chiede"  # named in a question, without saying they have it ("la CNS va bene?")
ACT = "da_fare"  # an act still to do, not a possession ("dove mi iscrivo come cittadino?")
POLARITIES = (HAS, NOT, UNSURE, ASKS, ACT)

# What each kind means for the procedure (see shared/DESIGN.md).
STRONG = frozenset({"cns", "inps", "dispositive"})  # path A
GENERIC = frozenset({"generiche", "medico_competente", "registrato"})  # path B
NOTHING = "nessuna"  # path C
# Named, but they do not decide the path by themselves: a short question.
UNDECIDED = frozenset(
    {"spid", "cie", "pin", "tessera", "altro", "inail", "credenziali", "tessera_non_attivata"}
)

_WORD = re.compile(r"[a-z0-9]+")
_HARD_BREAK = re.compile(r"[.;!?:\n()\[\]]")
_SOFT_BREAK = re.compile(r"[,/]| - ")
# Words that start a segment of their own: what follows is not under an earlier negation.
_BREAK_WORDS = frozenset(
    {
        "ma",
        "pero",
        "invece",
        "mentre",
        "tuttavia",
        "solo",
        "soltanto",
        "solamente",
        "but",
        "only",
        "except",
    }
)
_NEGATORS = frozenset(
    {
        "non",
        "nun",
        "ne",
        "neanche",
        "nemmeno",
        "neppure",
        "manco",
        "niente",
        "nulla",
        "senza",
        "no",
        "mai",
        "not",
        "without",
        "neither",
        "nor",
        "never",
        "dont",
        "don",
        "doesnt",
        "doesn",
        "havent",
        "haven",
        "didn",
        "nessun",
        "nessuna",
        "nessuno",
    }
)
# Words that may stand between a negation and what it negates ("non ho mai avuto la CNS").
_BETWEEN = frozenset(
    {
        "la",
        "il",
        "lo",
        "le",
        "i",
        "gli",
        "l",
        "un",
        "una",
        "uno",
        "di",
        "del",
        "della",
        "dei",
        "delle",
        "dello",
        "degli",
        "d",
        "alcun",
        "alcuna",
        "alcuno",
        "piu",
        "mai",
        "ancora",
        "proprio",
        "ho",
        "hai",
        "abbiamo",
        "possiedo",
        "dispongo",
        "tengo",
        "uso",
        "utilizzo",
        "avuto",
        "ce",
        "sono",
        "in",
        "possesso",
        "e",
        "ed",
        "o",
        "oppure",
        "io",
        "neanche",
        "nemmeno",
        "neppure",
        "ne",
        "anche",
        "pure",
        "the",
        "a",
        "an",
        "any",
        "have",
        "t",
        "do",
        "or",
        "and",
        "nor",
        "stato",
        "stata",
        "mi",
        "registrato",
        "registrata",
        "quella",
        "quello",
        "quelle",
        "quelli",
        "tipo",
        "altre",
        "altri",
        "per",
        "con",
        "al",
        "all",
        "alla",
        "allo",
        "sul",
        "sull",
        "sulla",
        "nel",
        "nell",
        "nella",
        "da",
        "dal",
        "dall",
        "dalla",
        "dell",
    }
)
_POSSESSION = frozenset(
    {
        "ho",
        "abbiamo",
        "possiedo",
        "dispongo",
        "tengo",
        "uso",
        "utilizzo",
        "adopero",
        "accedo",
        "entro",
        "possesso",
        "titolare",
        "avrei",
        "dovrei",
        "have",
        "got",
        "use",
        "ricevuto",
        "attivato",
        "attivata",
        "rilasciato",
        "rilasciata",
        "registrato",
        "registrata",
        "iscritto",
        "iscritta",
    }
)
# Registering is an act to do, not a credential held ("dove mi iscrivo come cittadino?").
_ACT_WORDS = re.compile(
    r"^(?:registrar\w*|iscriver\w*|registro|iscrivo|registrazione|iscrizione|creare|crearmi|fare|"
    r"farmi|register|sign)$"
)
_PAST = re.compile(
    r"\b(?:fatt[ao]|effettuat[ao]|completat[ao]|anni fa|tempo fa|anno scorso|qualche anno)\b"
)
_PAST_ACT = re.compile(
    r"\b(?:fatto|effettuato|completato|eseguito) (?:la |una |gia la )?(?:registrazione|iscrizione)"
)
# "non so se è...", "chissà se...": what follows is not known to the doctor.
_UNSURE_CUE = re.compile(
    r"\b(?:non (?:so|sono sicur\w*|ricordo|mi ricordo|saprei(?: dire)?|capisco)"
    r"(?: (?:pero|bene|piu|proprio|mica|davvero|dire))* (?:se|quale|quali|che|di che|come|"
    r"in che modo|cosa|di quale)|chissa(?: se)?|boh|not sure|dont know|don t know|"
    r"don t remember|ho un vuoto|non (?:mi )?ricordo|non lo so|forse)\b"
)
# Kinds that say little by themselves: a doubt anywhere in their clause makes them uncertain
# ("mi sono registrato, ma non ricordo come").
_WEAK = frozenset({"registrato", "inail", "credenziali", "pin", "tessera"})
# After a mention: "il pin inps non ce l'ho più", "lo SPID no".
# Only with a pronoun that points back ("non ce l'ho"): "ho la CNS ma non ho la firma" keeps it.
_NEGATED_AFTER = re.compile(
    r"^(?:(?:\w+ ){0,4}?non (?:ce |c )?(?:l |la |lo |le |li |ne )(?:ho|possiedo|tengo|abbiamo)|"
    r"(?:\w+ )?no(?: |$)|(?:\w+ )?mai avut\w*|(?:\w+ ){0,2}?non (?:l )?ho mai avut\w*)"
)
_STILL_HELD = re.compile(r"^(?:\w+ ){0,3}?(?:mai |ancora |piu )?(?:usat|utilizzat|provat)\w*")
_NOT_ACTIVATED = re.compile(
    r"^(?:\w+ ){0,3}?(?:non (?:e |l ho |la ho |sono )?(?:\w+ )?(?:attivat|abilitat)\w*|"
    r"(?:da|ancora da) attivare|disattivat\w*)"
)

# (kind, pattern) on the normalised text; earlier patterns take their words first.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # The channels' own names are not credentials.
    ("_canale", r"richied\w* (?:le )?credenzial\w* dispositiv\w*"),
    ("_canale", r"inail ?risponde"),
    # Documents that are not credentials: the medical board's card, the ID card itself.
    ("_documento", r"tessera (?:\w+ ){0,2}?(?:ordine|albo|iscrizione|professionale)"),
    ("_documento", r"carta (?:d )?identita(?! elettronica)(?: cartacea)?"),
    (
        NOTHING,
        r"(?:nessun\w*|alcun\w*|nisciun\w*|zero|qualsiasi|qualunque|ogni) (?:\w+ ){0,3}?"
        r"(?:credenzial\w*|utenz\w*|account|registrazion\w*|accesso|accessi|credentials?|login|"
        r"servizi\w* online)",
    ),
    (NOTHING, r"(?:no|any) (?:\w+ )?(?:credentials?|account|login)"),
    (
        NOTHING,
        r"(?:non|nun) (?:ho|possiedo|dispongo|tengo|abbiamo) (?:di )?(?:\w+ ){0,2}?"
        r"(?:credenzial\w*|utenz\w*|account)",
    ),
    (
        NOTHING,
        r"(?:sprovvist\w*|priv[oaie]|senza) (?:di |d )?(?:\w+ ){0,2}?"
        r"(?:credenzial\w*|utenz\w*|account|accesso|accessi)",
    ),
    (
        NOTHING,
        r"(?:non|nun) (?:e|sono|sono mai|mi sono mai|mi sono|sono mai stato|sono stato)"
        r" (?:mai )?(?:stat\w* )?(?:in possesso|registrat\w*|iscritt\w*)",
    ),
    (
        NOTHING,
        r"mai (?:stat\w* )?(?:registrat\w*|iscritt\w*)|never (?:been )?registered|"
        r"mai avut\w* (?:\w+ ){0,2}?(?:credenzial\w*|utenz\w*|account)",
    ),
    (
        NOTHING,
        r"(?:non|nun) (?:ho|tengo) (?:proprio |assolutamente |davvero )?(?:niente|nulla|nente)",
    ),
    (NOTHING, r"(?:ne|nient|nessun\w*|nothing) (?:d )?altr[oiae]|nothing else"),
    (
        NOTHING,
        r"(?:primo|first) (?:accesso|access)|prima registrazione(?: in assoluto)?|da zero|"
        r"niente di niente|dont have any|don t have any|nothing at all|(?:have|got) nothing",
    ),
    (
        "inps",
        r"(?:(?:pin|codic\w*|credenzial\w*|utenz\w*|account|password|accesso|login|"
        r"pin dispositiv\w*) (?:\w+ ){0,2}?)?inps(?: (?:pin|credentials|codes))?",
    ),
    ("inps", r"(?:pin|codic\w*|credenzial\w*|password) (?:\w+ ){0,5}?certificat\w*"),
    ("inps", r"certificat\w* (?:\w+ ){0,2}?(?:malattia|telematic\w*|medic\w*)"),
    ("cns", r"carta (?:nazionale|regionale) (?:dei |di |per i )?servizi"),
    ("cns", r"(?:national|regional) services? card"),
    ("cns", r"(?:smart ?card|smartcard|carta|tessera) regional\w*"),
    ("cie", r"pin (?:della |del |dello |di )?(?:carta (?:d )?identita|cie)"),
    (
        # A health card said to be activated, or used with its PIN or a reader, is a CNS
        # (a negation or a doubt among these words makes it a card not activated, or unsure).
        "cns",
        r"(?:tessera(?: sanitaria)?|ts)(?: \w+){0,5}? (?:attivat\w*|abilitat\w*|come cns|"
        r"con (?:il |la )?(?:pin|lettor\w*)|col (?:pin|lettore)|per i servizi online)",
    ),
    ("cns", r"(?:tessera|carta|card)(?: \w+){0,6}? (?:lettor\w*|reader)"),
    ("cns", r"(?:smart ?card|smartcard)(?: \w+){0,3}? (?:cns|servizi|lettor\w*)"),
    ("cns", r"pin (?:della |del |dello |di )?(?:ts|tessera|carta|cns|crs)"),
    ("cns", r"ts ?cns|tscns|cns|crs"),
    (
        "dispositive",
        r"(?:pin |credenzial\w* |utenz\w* |codic\w* )?dispositiv\w*"
        r"(?: \w+){0,1}? ?(?:inail)?",
    ),
    (
        "dispositive",
        r"meta (?:per|via|tramite|con) (?:sms|mail|email|pec)|"
        r"(?:prima|seconda) (?:parte|meta) (?:del |della |via |per )?(?:pin|codice|password)?|"
        r"in due parti|due (?:parti|pezzi)",
    ),
    ("medico_competente", r"medic\w* competent\w*|allegato 3 ?b|occupational (?:physician|doctor)"),
    (
        "generiche",
        r"(?:utent\w*|utenz\w*|credenzial\w*|profilo|account) (?:\w+ ){0,2}?generic\w*|"
        r"generic(?:a|he|o|i)|generic (?:user|credentials?)|(?:inail )?generic credentials?",
    ),
    (
        "generiche",
        r"(?:come|da|di|del|profilo|utente|utenza|account) (?:un |semplice )?"
        r"cittadin\w*|cittadino utente|cittadino",
    ),
    (
        "generiche",
        r"(?:credenzial\w*|utenz\w*|utent\w*|account|registrazion\w*|accesso|profilo|login)"
        r" (?:\w+ ){0,2}?(?:base|normal\w*|semplic\w*|standard|classic\w*|basic)",
    ),
    (
        # Username and password chosen by the doctor: a registration, of an unknown kind.
        "registrato",
        r"(?:username|user ?name|nome utente|user ?id|login|utente) (?:\w+ ){0,1}?"
        r"(?:e|con|\+|and) (?:la |una )?password",
    ),
    (
        "registrato",
        r"(?:registrat\w*|iscritt\w*|registered|signed up) (?:\w+ ){0,4}?"
        r"(?:inail|portale|sito|servizi online|servizi telematici)",
    ),
    (
        "registrato",
        r"(?:registrazione|iscrizione|account|profilo) (?:\w+ ){0,2}?"
        r"(?:inail|portale inail|sito inail)",
    ),
    ("registrato", r"(?:mi sono|sono|ero|mi ero) (?:gia )?(?:registrat\w*|iscritt\w*)"),
    (
        # Credentials the doctor made by themselves: a self-registration.
        "registrato",
        r"(?:credenzial\w*|utenz\w*|account|password) (?:\w+ ){0,4}?(?:creat\w*|fatt\w*|scelt\w*)"
        r" (?:\w+ )?(?:me|io|da sol[oa]|solo|sola|da me)",
    ),
    ("spid", r"spid(?: di poste| poste)?"),
    ("cie", r"carta (?:d )?identita elettronica|cie|electronic id"),
    (
        "altro",
        r"fascicolo sanitario(?: elettronico)?|fse|firma digitale|entratel|"
        r"credenzial\w* (?:\w+ ){0,2}?(?:regione|regionali|asl|ordine|enpam)",
    ),
    (
        "inail",
        r"(?:credenzial\w*|utenz\w*|account|accesso|password|login|credentials) "
        r"(?:\w+ ){0,2}?inail|inail (?:credentials|account|login)",
    ),
    (
        "tessera",
        r"tessera sanitaria(?: \w+){0,3}? (?:chip|microchip)|tessera sanitaria|"
        r"tessera(?: \w+){0,3}? (?:chip|microchip)|tessera|ts|health card",
    ),
    ("pin", r"pin"),
    ("credenziali", r"(?:qualche |delle |le |some )?(?:credenzial\w*|credentials)"),
)


@dataclass(frozen=True)
class Mention:
    """One credential named in a message: its kind, polarity and where it is in the text."""

    kind: str
    polarity: str
    start: int
    end: int


@dataclass(frozen=True)
class _Token:
    text: str
    start: int  # offsets in the original message
    end: int
    hard_break: bool  # punctuation such as "." or "?" before it
    soft_break: bool  # a comma, or a word such as "ma", before it


def _fold(text: str) -> str:
    """Lower case without accents, one character for one: offsets stay those of the text."""
    return "".join((strip_accents(ch) or ch)[:1] for ch in text.casefold())


def _tokens(text: str) -> list[_Token]:
    folded = _fold(text)
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD.finditer(folded):
        between = folded[previous_end : match.start()]
        word = ABBREVIATIONS.get(match.group(0), match.group(0))
        tokens.append(
            _Token(
                word,
                match.start(),
                match.end(),
                hard_break=bool(_HARD_BREAK.search(between)),
                soft_break=bool(_SOFT_BREAK.search(between)),
            )
        )
        previous_end = match.end()
    return tokens


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])")) for kind, p in _PATTERNS)


def _segments(tokens: list[_Token]) -> tuple[list[int], list[int]]:
    """Segment and clause number of each token (a clause ends at ".", "?", ...)."""
    segment_of, clause_of = [], []
    segment = clause = 0
    for i, token in enumerate(tokens):
        if i and token.hard_break:
            clause += 1
            segment += 1
        elif i and (token.soft_break or _is_break_word(tokens, i)):
            segment += 1
        segment_of.append(segment)
        clause_of.append(clause)
    return segment_of, clause_of


def find_mentions(text: str) -> list[Mention]:
    """The credentials named in `text`, in order, each with its polarity."""
    tokens = _tokens(text or "")
    if not tokens:
        return []
    joined, starts = "", []
    for token in tokens:
        starts.append(len(joined))
        joined += token.text + " "
    joined = joined[:-1]
    token_at = {offset: i for i, offset in enumerate(starts)}
    taken = [False] * len(tokens)
    spans: list[tuple[str, int, int]] = []  # kind, first token, last token
    for kind, pattern in _compiled():
        for match in pattern.finditer(joined):
            first = token_at.get(match.start())
            last = _last_token(starts, match.end())
            if first is None or any(taken[first : last + 1]):
                continue
            if any(_breaks_before(tokens, i) for i in range(first + 1, last + 1)):
                continue  # a mention never spans "ma", a comma or a full stop
            for i in range(first, last + 1):
                taken[i] = True
            spans.append((kind, first, last))
    spans.extend(_nothing_alone(tokens, taken))
    spans.sort(key=lambda span: span[1])
    segment_of, clause_of = _segments(tokens)
    words = [t.text for t in tokens]
    mentions: list[Mention] = []
    negated_segments = _segments_opening_a_negation(words, segment_of)
    for index, (kind, first, last) in enumerate(spans):
        if kind.startswith("_"):
            continue
        following = spans[index + 1][1] if index + 1 < len(spans) else len(tokens)
        while (
            index + 1 < len(spans)
            and following > last + 1
            and words[following - 1] in _NEGATORS | _ARTICLES
            and segment_of[following - 1] == segment_of[spans[index + 1][1]]
        ):
            following -= 1  # "…inail, no CNS": that "no" belongs to the CNS
        polarity = _polarity(
            kind, first, last, following, words, segment_of, clause_of, tokens, text
        )
        if polarity == NOT:
            negated_segments.add(segment_of[first])
        elif (
            kind != NOTHING
            and polarity in (HAS, ASKS)
            and _continues_a_negated_list(first, words, segment_of, negated_segments)
        ):
            polarity = NOT
            negated_segments.add(segment_of[first])
        if kind == "tessera" and _NOT_ACTIVATED.match(" ".join(words[last + 1 :])):
            kind, polarity = "tessera_non_attivata", HAS
        elif kind == "cns" and words[first] in ("tessera", "ts", "carta", "card"):
            inner = " ".join(words[first + 1 : last + 1])
            if _UNSURE_CUE.search(inner):
                kind, polarity = "tessera", UNSURE  # "la tessera non so se è abilitata"
            elif any(w in _NEGATORS for w in words[first + 1 : last + 1]):
                kind, polarity = "tessera_non_attivata", HAS  # "la tessera non è attivata"
        mentions.append(Mention(kind, polarity, tokens[first].start, tokens[last].end))
    return mentions


def _nothing_alone(tokens: list[_Token], taken: list[bool]) -> list[tuple[str, int, int]]:
    """ "…: nulla." A clause that is only "niente" or "nulla" says the doctor has nothing."""
    found = []
    for i, token in enumerate(tokens):
        starts = i == 0 or token.hard_break
        ends = i + 1 == len(tokens) or tokens[i + 1].hard_break
        if starts and ends and not taken[i] and token.text in ("niente", "nulla", "nothing"):
            found.append((NOTHING, i, i))
    return found


def _is_break_word(tokens: list[_Token], i: int) -> bool:
    """ "ma", "solo"… start a segment; "da solo" ("fatte da solo") does not."""
    if tokens[i].text not in _BREAK_WORDS:
        return False
    return not (i and tokens[i - 1].text == "da" and tokens[i].text in ("solo", "sola"))


def _breaks_before(tokens: list[_Token], i: int) -> bool:
    return tokens[i].hard_break or tokens[i].soft_break or _is_break_word(tokens, i)


def _last_token(starts: list[int], end: int) -> int:
    last = 0
    for i, offset in enumerate(starts):
        if offset < end:
            last = i
    return last


def _polarity(
    kind: str,
    first: int,
    last: int,
    next_mention: int,
    words: list[str],
    segment_of: list[int],
    clause_of: list[int],
    tokens: list[_Token],
    text: str,
) -> str:
    segment = segment_of[first]
    in_segment = [i for i, s in enumerate(segment_of) if s == segment]
    before = [words[i] for i in in_segment if i < first]
    clause = [i for i, c in enumerate(clause_of) if c == clause_of[first]]
    after = " ".join(words[i] for i in clause if last < i < next_mention)
    clause_text = " ".join(words[i] for i in clause)
    cue = _UNSURE_CUE.search(" ".join(words[i] for i in clause if i < first))
    if kind in _WEAK and not cue:
        cue = _UNSURE_CUE.search(" ".join(words[i] for i in clause if i > last))
    if cue and kind != NOTHING:
        return UNSURE
    if kind == NOTHING:
        return HAS  # "nessuna credenziale" says what the doctor has: nothing
    if _negated_before(before) or (
        _NEGATED_AFTER.match(after) and not _STILL_HELD.match(_after_negation(after))
    ):
        return NOT
    if _is_an_act(before) and not _PAST_ACT.search(clause_text) and not _PAST.search(clause_text):
        return ACT
    clause_end = tokens[clause[-1]].end
    rest = text[clause_end : clause_end + 3]
    asks = "?" in rest
    if asks and not any(words[i] in _POSSESSION for i in clause):
        return ASKS
    return HAS


def _after_negation(after: str) -> str:
    match = _NEGATED_AFTER.match(after)
    return after[match.end() :].strip() if match else after


def _negated_before(before: list[str]) -> bool:
    """A negation governs the mention: only "ho", articles and other items stand between."""
    for word in reversed(before):
        if word in _NEGATORS:
            return True
        if word in _BETWEEN:
            continue
        return False
    return False


def _is_an_act(before: list[str]) -> bool:
    """ "dove mi iscrivo come…": an act word just before, not "ho la registrazione come…"."""
    recent = before[-4:]
    for index, word in enumerate(recent):
        if _ACT_WORDS.match(word):
            return not any(w in ("ho", "avevo", "fatto", "fatta") for w in recent[:index])
    return False


_ARTICLES = frozenset({"la", "il", "lo", "le", "i", "gli", "l", "un", "una", "the", "a", "an"})
_OPENS_NEGATION = re.compile(
    r"^(?:\w+ ){0,3}?(?:non|nun) (?:ho|possiedo|dispongo|tengo|abbiamo|uso|sono in possesso)\b|"
    r"^(?:ne|neanche|nemmeno|neppure|niente|nessun\w*|senza|no|i have no|no)\b"
)


def _segments_opening_a_negation(words: list[str], segment_of: list[int]) -> set[int]:
    """Segments that start a list of things the doctor lacks ("non ho username, pin o…")."""
    opening: set[int] = set()
    for segment in sorted(set(segment_of)):
        own = [w for w, s in zip(words, segment_of, strict=True) if s == segment]
        text = " ".join(own)
        if _UNSURE_CUE.search(text):
            continue
        if _OPENS_NEGATION.match(text):
            opening.add(segment)
        elif (
            segment - 1 in opening
            and own[0] not in _BREAK_WORDS
            and "si" not in own
            and not any(w in _POSSESSION for w in own)
        ):
            opening.add(segment)  # "non ho username, password, …": the list goes on
    return opening


def _continues_a_negated_list(
    first: int, words: list[str], segment_of: list[int], negated: set[int]
) -> bool:
    """ "non ho cns, pin inps né registrazione": a list after a negation stays negated."""
    segment = segment_of[first]
    if segment - 1 not in negated or first == 0:
        return False
    own = [words[i] for i, s in enumerate(segment_of) if s == segment]
    if own[0] in _BREAK_WORDS or "si" in own:
        return False  # "non ho la CNS, solo il PIN INPS"; "lo SPID no, la CNS sì"
    return not any(word in _POSSESSION for word in own)


def kinds_with(mentions: Iterable[Mention], *polarities: str) -> list[str]:
    """The kinds named with any of these polarities, in order, without repetitions."""
    seen: list[str] = []
    for mention in mentions:
        if mention.polarity in polarities and mention.kind not in seen:
            seen.append(mention.kind)
    return seen
