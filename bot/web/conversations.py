"""`POST /api/conversations`: a new conversation id chosen by the server, with its token.

For HTTP clients that would rather not draw random ids themselves: the id (`c-` + 128 random
bits) is useless without the token, which every REST message and upload of that conversation
must carry in `X-Conversation-Token`.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.conversation_ids import CONVERSATION_TOKEN_HEADER, conversation_token, new_conversation_id

router = APIRouter()


@router.post("/api/conversations")
async def new_conversation() -> JSONResponse:
    sender = new_conversation_id()
    return JSONResponse(
        {
            "sender": sender,
            "token": conversation_token(sender),
            "header": CONVERSATION_TOKEN_HEADER,
        },
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )
