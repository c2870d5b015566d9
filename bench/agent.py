"""Tool choice, grounding and latency (first token and whole turn) of the agent over bench/agent_cases.yaml.

python -m bench agent [--json] [--backend local|openai] [--react] [--only TEXT] [--limit N]
The router answers clear requests directly; the rest go through the ReAct loop on the chosen backend.
Every turn is consumed through `FitnessAgent.stream`, so "first" is the time to the first answer delta
(what a user waits for before text appears) and "ms" the whole turn; "llm_tokens" is the local model's
prompt tokens computed / prompt tokens reused from its cache / tokens generated (independent of load). `--react` turns the router off
(catalog-name fallback too) to measure the local LLM's own tool choice. Before the cases the agent is
warmed up as the app does at startup (models, indexes, the ReAct prompt prefix of both languages).
Photo cases use ../shared/data/equipment-dev (measurement only) and are skipped when it is absent.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from agent.toolbox import tool_of

CASES = Path(__file__).with_name("agent_cases.yaml")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "equipment-dev"
# Without a tool call, what the answer means: the router's canned replies, or a ReAct answer that asks back.
NO_TOOL = {"small_talk": "small_talk", "unsafe": "unsafe", "ask": "ask"}


def chosen_tool(turn, toolbox: dict) -> str:
    """The job the turn's first step did, named by its tool's intent (agent/toolbox.py, one definition)."""
    if (turn.data or {}).get("missing"):  # asked for the profile fields a planner needs
        return "ask"
    if turn.trace:
        step = turn.trace[0]["tool"]
        tool = tool_of(step, toolbox)
        return tool.intent if tool is not None and tool.intent else step
    return NO_TOOL.get(turn.route, turn.route)


def tool_ok(chosen: str, expected: str, route: str) -> bool:
    if chosen == expected:
        return True
    # With the router off, the LLM may reasonably answer small talk, refusals and asks without a tool.
    return route == "react" and chosen == "react" and expected in ("small_talk", "unsafe", "ask")


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); fine for tens of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def llm_usage(agent) -> dict:
    """llama.cpp's token counters for the local model (empty for server backends or before it loads)."""
    backend = getattr(agent.backend, "fallback", agent.backend)
    if getattr(backend, "name", "") != "local":
        return {}
    from runtime.llm import get_local_llm

    info = get_local_llm.cache_info()
    return dict(backend.llm.usage) if info.currsize else {}


def run_case(agent, conv, text: str, image) -> tuple:
    t = time.perf_counter()
    first = None
    turn = None
    for event in agent.stream(conv, text, image):
        if event["type"] == "delta" and first is None:
            first = (time.perf_counter() - t) * 1000
        elif event["type"] == "turn":
            turn = event["turn"]
    total = (time.perf_counter() - t) * 1000
    return turn, (first if first is not None else total), total


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", default="local")
    parser.add_argument("--react", action="store_true", help="router off: every case through the ReAct loop")
    parser.add_argument("--only", default="", help="cases whose text or tool contains this (a|b: either)")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    from agent.backends import create_backend
    from agent.core import Conversation, FitnessAgent
    from bench.table import emit
    from config import get_settings
    from runtime.llm import default_threads
    from tools.recognizer import EmbeddedRecognizer

    settings = get_settings()
    agent = FitnessAgent(create_backend(args.backend, settings))
    agent.recognizer = EmbeddedRecognizer.from_kb(agent.kb)
    warm = agent.warm_up()
    agent.fast_path = not args.react
    wanted = [w.strip().lower() for w in args.only.split("|")]
    cases = [c for c in yaml.safe_load(CASES.read_text(encoding="utf-8"))
             if any(w in (c["text"] + " " + c["tool"]).lower() for w in wanted)]
    cases = cases[:args.limit] if args.limit else cases
    rows, by_path = [], {"router": [], "react": []}
    for case in cases:
        image = None
        if case.get("image"):
            photos = sorted((SHARED / case["image"]).glob("*.jpg"))
            if not photos:
                continue
            image = str(photos[0])
        before = llm_usage(agent)
        turn, first, total = run_case(agent, Conversation(), case["text"], image)
        used = {k: v - before.get(k, 0) for k, v in llm_usage(agent).items()}
        tool = chosen_tool(turn, agent.toolbox)
        grounded = all(w.lower() in turn.answer.lower() for w in case["expect"])
        path = "react" if turn.route == "react" else "router"
        by_path[path].append((first, total))
        rows.append({"case": case["text"][:34], "expected": case["tool"], "chosen": tool, "path": turn.route,
                     "tool_ok": tool_ok(tool, case["tool"], turn.route), "grounded": grounded,
                     "first_ms": round(first), "ms": round(total),
                     # tokens the model computed for the prompt / took from its cache / generated
                     "llm_tokens": f"{used['prompt_n']}/{used['cache_n']}/{used['predicted_n']}" if used.get("requests") else ""})
        if not args.json:
            print(f"  {rows[-1]}", flush=True)
    n = len(rows) or 1
    firsts = [r["first_ms"] for r in rows] or [0]
    summary = {"case": "TOTAL", "expected": f"{len(rows)} cases", "chosen": "",
               "path": f"router {len(by_path['router'])} / react {len(by_path['react'])}",
               "tool_ok": f"{sum(r['tool_ok'] for r in rows) / n:.0%}",
               "grounded": f"{sum(r['grounded'] for r in rows) / n:.0%}",
               "first_ms": round(statistics.median(firsts)), "ms": round(statistics.median([r["ms"] for r in rows] or [0]))}
    model = settings.local_llm if args.backend in ("local", "auto") and not settings.llm_url else settings.llm_model
    paths = [{"path": path, "n": len(v), "first_p50_ms": round(pct([f for f, _ in v], 50)),
              "first_p95_ms": round(pct([f for f, _ in v], 95)), "total_p50_ms": round(pct([t for _, t in v], 50)),
              "total_p95_ms": round(pct([t for _, t in v], 95))} for path, v in by_path.items() if v]
    if args.json:
        emit(rows + [summary] + paths, True)
        return
    emit(rows + [summary], False)
    threads = settings.llm_threads or default_threads()
    print(f"\nbackend {args.backend} ({model}, {threads} llama.cpp threads); warm-up {warm}")
    emit(paths, False)


if __name__ == "__main__":
    main()
