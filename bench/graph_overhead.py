"""What LangGraph's own machinery costs a turn, apart from the nodes' work (issue 14).

Usage: .venv/bin/python -m bench.graph_overhead [--runs 300] [--in-app --backends sqlite --turns 200]

Two measurements, CPU seconds of this process per graph run:

- **Shape only.** A graph with the real graph's nodes, edges and conditional edges (read off
  ``agents.graph.build_graph()``), state schema, checkpointer kind, stream modes and
  ``durability="exit"``, whose nodes do nothing but emit one step event and return a small update, run
  along a typical read-only turn's path (intake, procedure, finish: before 6 Dec's fast path screen,
  triage, route, procedure, phrase, compliance, respond), and plain chains of 1, 3 and 7 such nodes with
  no conditional edges. What is left is the framework's cost per run and per step.
- **In the app** (``--in-app``): ``bench.turn_cost`` with every graph node wrapped in a timer, so the main
  thread's CPU inside the graph run (``GraphAgent._run``) is split into the nodes' own and the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents.context import AgentContext
from agents.graph import build_graph
from agents.runner import STREAM_MODES
from agents.state import AgentState

# A balance question's path through the graph: where each conditional edge (or a node's Command) goes in
# the shaped graph. Since the fast path (6 Dec, sixth session) screen, triage and route run as one step,
# ``intake``, and phrase, compliance and respond as another, ``finish`` (before: screen, triage, route,
# procedure, phrase, compliance, respond; measure that from a checkout of the commit before).
PATH = ["intake", "procedure", "finish"]


def _node(name: str, ends: tuple[str, ...] = ()) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    """An empty node; with ``ends`` (a node that routes by ``Command``) it goes on along the path, or to
    the first of its ends off it (``finish`` ends the run as ``respond`` does)."""
    goto = _next_on_path(name, list(ends)) if ends else None

    async def run(state: dict[str, Any]) -> Any:
        get_stream_writer()({"type": "step", "node": name, "decision": "bench"})
        update: dict[str, Any] = {"flow": name}
        if name in ("respond", "finish"):
            update.update(reply="ok", outcome="reply", history=[{"role": "assistant", "content": "ok"}])
        if goto is not None:
            return Command(update=update, goto=END if name == "finish" else goto)
        return update

    return run


def _next_on_path(source: str, ends: list[str]) -> str:
    after = PATH[PATH.index(source) + 1] if source in PATH[:-1] else None
    return after if after in ends else ends[0]


def _along_path(source: str, ends: list[str]) -> Callable[[dict[str, Any]], Awaitable[str]]:
    """A conditional edge that goes on to the path's next node (off the path: the first of its ends)."""
    target = _next_on_path(source, ends)

    async def route(_state: dict[str, Any]) -> str:
        return target

    return route


def shaped_graph() -> Any:
    """``agents.graph``'s nodes, edges and conditional edges, read off the built graph, with empty nodes."""
    real = build_graph().builder
    g: StateGraph[Any, Any, Any, Any] = StateGraph(AgentState, context_schema=AgentContext)
    for name, spec in real.nodes.items():
        g.add_node(name, _node(name, tuple(spec.ends or ())))
    for start, end in real.edges:
        g.add_edge(start, end)
    for source, branches in real.branches.items():
        for branch in branches.values():
            ends = list(branch.ends or {})
            g.add_conditional_edges(source, _along_path(source, ends), ends)
    return g.compile(checkpointer=InMemorySaver())


def chain(steps: int) -> Any:
    g: StateGraph[Any, Any, Any, Any] = StateGraph(AgentState, context_schema=AgentContext)
    names = [f"step{i}" for i in range(steps - 1)] + ["respond"]
    for name in names:
        g.add_node(name, _node(name))
    g.add_edge(START, names[0])
    for a, b in zip(names, names[1:], strict=False):
        g.add_edge(a, b)
    g.add_edge(names[-1], END)
    return g.compile(checkpointer=InMemorySaver())


async def cpu_per_run(graph: Any, runs: int, conversations: int = 20) -> float:
    """CPU ms a run, conversations of growing history as in the app (one thread per conversation)."""

    async def one(i: int) -> None:
        config: Any = {"configurable": {"thread_id": f"c{i % conversations}"}, "recursion_limit": 40}
        state = {"text": "what's my balance", "today": "2026-11-28"}
        state["history"] = [{"role": "customer", "content": "what's my balance"}]  # type: ignore[assignment]
        async for _ in graph.astream(state, config, stream_mode=STREAM_MODES, durability="exit"):
            pass

    for i in range(conversations):  # warm up: every conversation has a checkpoint
        await one(i)
    start = time.process_time()
    for i in range(runs):
        await one(i)
    return (time.process_time() - start) / runs * 1000


def shape_only(runs: int) -> None:
    from importlib.metadata import version

    print(
        f"langgraph {version('langgraph')}, stream modes {STREAM_MODES}, durability='exit', {runs} runs each"
    )
    shaped = asyncio.run(cpu_per_run(shaped_graph(), runs))
    print(f"  the real graph's shape, {len(PATH)}-step path ({', '.join(PATH)}): {shaped:5.2f} ms CPU a run")
    for steps in (1, 3, 7):
        plain = asyncio.run(cpu_per_run(chain(steps), runs))
        print(f"  a plain chain of {steps} node(s):                           {plain:5.2f} ms CPU a run")


def in_app(argv: list[str]) -> None:
    from langgraph.graph import StateGraph as Graph

    import agents.runner as runner

    spent = {"node": 0.0, "graph": 0.0, "runs": 0, "steps": 0}
    add_node = Graph.add_node

    def timed_add_node(self: Any, name: Any, action: Any = None, **kw: Any) -> Any:
        if action is None or not inspect.iscoroutinefunction(action):
            return add_node(self, name, action, **kw)

        @functools.wraps(action)
        async def timed(*a: Any, **k: Any) -> Any:
            start = time.thread_time()
            try:
                return await action(*a, **k)
            finally:
                spent["node"] += time.thread_time() - start
                spent["steps"] += 1

        return add_node(self, name, timed, **kw)

    Graph.add_node = timed_add_node  # type: ignore[method-assign]
    run = runner.GraphAgent._run

    async def timed_run(self: Any, *a: Any, **k: Any) -> Any:
        start = time.thread_time()
        async for event in run(self, *a, **k):
            yield event
        spent["graph"] += time.thread_time() - start
        spent["runs"] += 1

    runner.GraphAgent._run = timed_run  # type: ignore[method-assign]
    from bench import turn_cost

    turn_cost.main(argv)
    n = spent["runs"] or 1
    graph, nodes = spent["graph"] / n * 1000, spent["node"] / n * 1000
    print(
        f"graph runs {spent['runs']} (warm-up included), {spent['steps'] / n:.1f} steps a run: main thread "
        f"CPU in the run {graph:.2f} ms, in the nodes {nodes:.2f} ms, "
        f"LangGraph and the runner {graph - nodes:.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=300)
    p.add_argument(
        "--in-app", action="store_true", help="also split a served turn's graph CPU (bench.turn_cost)"
    )
    args, rest = p.parse_known_args(argv)
    shape_only(args.runs)
    if args.in_app:
        in_app(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
