from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import pytest

from agents.models import Gateway, InMemoryRecorder, LocalHandler, build_gateway, loads_config
from tests.agents.models.fakes import FakeClock
from tests.agents.models.replay import FAKE_KEYS, ReplayTransport

GatewayFactory = Callable[..., Gateway]


@pytest.fixture
def replay_transport() -> Iterator[ReplayTransport]:
    """Recorded provider payloads for the real SDKs; fails the test if a request found nothing queued."""
    transport = ReplayTransport()
    yield transport
    assert not transport.unexpected, f"requests with no replay queued: {transport.unexpected}"


@pytest.fixture
def recorder() -> InMemoryRecorder:
    return InMemoryRecorder()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_gateway(
    replay_transport: ReplayTransport, recorder: InMemoryRecorder, clock: FakeClock
) -> AsyncIterator[GatewayFactory]:
    """Build a gateway from TOML text, wired to the replay transport, the fake clock and the recorder."""
    built: list[Gateway] = []

    def factory(
        toml: str,
        *,
        handlers: Mapping[str, LocalHandler] | None = None,
        env: Mapping[str, str] = FAKE_KEYS,
    ) -> Gateway:
        gateway = build_gateway(
            loads_config(toml),
            recorder=recorder,
            local_handlers=handlers,
            env=env,
            http_transport=replay_transport,
            clock=clock,
            sleep=clock.sleep,
        )
        built.append(gateway)
        return gateway

    yield factory
    for gateway in built:
        await gateway.aclose()
