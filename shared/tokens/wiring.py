"""The token store of one process: configuration, the legacy file and the projected registry."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from shared.auth import TokenStore
from shared.clock import Clock
from shared.settings import CommonSettings
from shared.tokens.feed import TokenFeed
from shared.tokens.registry import TokenRegistry


def projected_tokens(
    common: CommonSettings, *, name: str, table_url: str | None = None, clock: Clock | None = None
) -> TokenStore:
    """A store fed from `lapor.tokens.v1` (into the table at `table_url`, if given).

    The runtime (or the face's lifespan) runs `store.feed.run`; until then, and with
    `LAPOR_AUTH_TOKENS_TOPIC=false`, the store answers from configuration and the file alone.
    """
    registry = TokenRegistry()
    feed = (
        TokenFeed(common, registry, name=name, table_url=table_url)
        if common.auth_tokens_topic
        else None
    )
    return TokenStore(
        common.auth_tokens, common.auth_tokens_file, registry=registry, feed=feed, clock=clock
    )


Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[None]]


def following(tokens: TokenStore, inner: Lifespan) -> Lifespan:
    """A lifespan that follows the token topic around `inner` (a face without the runtime)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        stopping = asyncio.Event()
        task = asyncio.create_task(tokens.feed.run(stopping)) if tokens.feed else None
        try:
            async with inner(app):
                yield
        finally:
            stopping.set()
            if task is not None:
                await task

    return lifespan
