"""Conversations: the filtered list, the transcript, tags, notes, "reviewed", training data."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select
from starlette.responses import Response

from bot.db.types import utc_now
from bot.web.console import audit, reviews
from bot.web.console.conversations import (
    PAGE_SIZE,
    ConversationFilters,
    filtered,
    summaries,
    transcript,
    user_message,
)
from bot.web.console.db import transaction
from bot.web.console.masking import mask_text
from bot.web.console.models import TrainingExample
from bot.web.console.training import add_to_review_file, domain_intents
from bot.web.console.web import (
    PREFIX,
    CheckedForm,
    Context,
    PageContext,
    client_ip,
    date_filter,
    redirect,
    render,
    require,
)

router = APIRouter(prefix=PREFIX)
YES_NO = ("", "si", "no")


@router.get("/conversazioni")
def conversation_list(
    request: Request,
    context: PageContext,
    canale: str = "",
    dal: str = "",
    al: str = "",
    fallback: str = "",
    bassa_confidenza: str = "",
    ticket: str = "",
    etichetta: str = "",
    revisionata: str = "",
    pagina: int = 1,
) -> Response:
    require(context, "conversations")
    filters = ConversationFilters(
        channel=canale[:64],
        date_from=date_filter(dal),
        date_to=date_filter(al),
        fallback=fallback if fallback in YES_NO else "",
        low_confidence="si" if bassa_confidenza == "si" else "",
        ticket=ticket if ticket in YES_NO else "",
        tag=etichetta[:50],
        reviewed=revisionata if revisionata in YES_NO else "",
        page=pagina,
    )
    threshold = context.settings.low_confidence
    with transaction() as session:
        everything = summaries(session, date_from=filters.date_from, date_to=filters.date_to)
        tags = reviews.all_tags(session)
    matching = filtered(everything, filters, threshold)
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    return render(
        request,
        "conversations.html",
        context,
        rows=matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(matching),
        page=page,
        pages=pages,
        filters=filters,
        channels=sorted({c.channel for c in everything if c.channel}),
        tags=tags,
        threshold=threshold,
    )


@router.get("/conversazioni/{conversation_id}")
def conversation(
    request: Request, conversation_id: str, context: PageContext, mostra: str = ""
) -> Response:
    """The transcript, personal data masked; `?mostra=si` shows them to admins. Both audited."""
    require(context, "conversations")
    revealed = mostra == "si"
    if revealed:
        require(context, "personal_data")
    with transaction() as session:
        found = transcript(session, conversation_id)
        if found is None:
            raise HTTPException(status_code=404)
        audit.record(
            session,
            actor=context.staff.username,
            action=audit.CONVERSATION_REVEALED if revealed else audit.CONVERSATION_OPENED,
            ip=client_ip(request),
            detail=conversation_id[:255],
        )
    return render(
        request,
        "conversation.html",
        context,
        conversation=found if revealed else found.masked(),
        revealed=revealed,
        may_reveal=context.staff.may("personal_data"),
        intents=domain_intents(),
        threshold=context.settings.low_confidence,
        may_review=context.staff.may("review"),
        may_tickets=context.staff.may("tickets"),
        error=request.query_params.get("errore"),
    )


def _back(request: Request, conversation_id: str, context: Context, **query: str) -> Response:
    return redirect(request, f"/conversazioni/{conversation_id}", context, **query)


@router.post("/conversazioni/{conversation_id}/revisione")
def save_review(
    request: Request, conversation_id: str, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "review")
    with transaction() as session:
        reviews.save_review(
            session,
            conversation_id,
            form.get("nota", ""),
            form.get("revisionata") == "si",
            context.staff.username,
        )
    return _back(request, conversation_id, context, avviso="revisione_salvata")


@router.post("/conversazioni/{conversation_id}/etichette")
def add_tag(
    request: Request, conversation_id: str, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "review")
    tag = reviews.valid_tag(form.get("etichetta", ""))
    if tag is None:
        return _back(request, conversation_id, context, errore="tag_non_valido")
    with transaction() as session:
        reviews.add_tag(session, conversation_id, tag, context.staff.username)
    return _back(request, conversation_id, context, avviso="etichetta_aggiunta")


@router.post("/conversazioni/{conversation_id}/etichette/rimuovi")
def remove_tag(
    request: Request, conversation_id: str, context: PageContext, form: CheckedForm
) -> Response:
    require(context, "review")
    with transaction() as session:
        reviews.remove_tag(session, conversation_id, form.get("etichetta", ""))
    return _back(request, conversation_id, context, avviso="etichetta_rimossa")


@router.post("/conversazioni/{conversation_id}/training")
def add_training_example(
    request: Request, conversation_id: str, context: PageContext, form: CheckedForm
) -> Response:
    """The message text is read from the tracker store, never taken from the form."""
    require(context, "review")
    intent = form.get("intent", "")
    if intent not in domain_intents():
        return _back(request, conversation_id, context, errore="intent_non_valido")
    try:
        event_id = int(form.get("evento", ""))
    except ValueError:
        raise HTTPException(status_code=400) from None
    with transaction() as session:
        text = user_message(session, conversation_id, event_id)
        if not text:
            raise HTTPException(status_code=404)
        found = transcript(session, conversation_id)
        if mask_text(text, found.names if found else ()) != text:
            return _back(request, conversation_id, context, errore="dati_personali_nel_messaggio")
        example = session.execute(
            select(TrainingExample).where(
                TrainingExample.conversation_id == conversation_id,
                TrainingExample.event_id == event_id,
            )
        ).scalar_one_or_none()
        if example is None:
            example = TrainingExample(conversation_id=conversation_id, event_id=event_id, text=text)
            session.add(example)
        example.intent, example.added_by, example.added_at = (
            intent,
            context.staff.username,
            utc_now(),
        )
        add_to_review_file(context.settings.review_dir, intent, text)
    return _back(request, conversation_id, context, avviso="esempio_aggiunto")
