"""Tool choice, grounding and latency of the agent over the scripted cases in bench/agent_cases.yaml.

python -m bench agent [--json] [--backend local|openai]
The router answers clear requests directly; the rest go through the ReAct loop on the chosen backend.
Photo cases use ../shared/data/equipment-dev (measurement only) and are skipped when it is absent.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

CASES = Path(__file__).with_name("agent_cases.yaml")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "equipment-dev"
TOOL_OF_TRACE = {"plan_training": "training_plan", "TrainingPlanner": "training_plan", "plan_nutrition": "nutrition_plan",
                 "NutritionPlanner": "nutrition_plan", "search_knowledge": "knowledge", "KnowledgeBase": "knowledge",
                 "search_gifs": "gif", "ExerciseGif": "gif", "lookup_equipment": "equipment",
                 "recognize_equipment": "equipment"}


def chosen_tool(turn) -> str:
    if turn.trace:
        return TOOL_OF_TRACE.get(turn.trace[0]["tool"], turn.trace[0]["tool"])
    return turn.route


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", default="local")
    args = parser.parse_args(argv)
    from agent.backends import create_backend
    from agent.core import Conversation, FitnessAgent
    from bench.table import emit
    from config import get_settings
    from tools.gallery import EmbeddedRecognizer

    agent = FitnessAgent(create_backend(args.backend, get_settings()))
    agent.recognizer = EmbeddedRecognizer.from_kb(agent.kb)
    agent.respond(Conversation(), "how much protein do I need?")  # warm-up: loads models and indexes
    rows, latencies = [], {"router": [], "react": []}
    for case in yaml.safe_load(CASES.read_text(encoding="utf-8")):
        image = None
        if case.get("image"):
            photos = sorted((SHARED / case["image"]).glob("*.jpg"))
            if not photos:
                continue
            image = str(photos[0])
        t = time.perf_counter()
        turn = agent.respond(Conversation(), case["text"], image)
        ms = (time.perf_counter() - t) * 1000
        tool = chosen_tool(turn)
        grounded = all(w.lower() in turn.answer.lower() for w in case["expect"])
        latencies["react" if turn.route == "react" else "router"].append(ms)
        rows.append({"case": case["text"][:34], "expected": case["tool"], "chosen": tool, "path": turn.route,
                     "tool_ok": tool == case["tool"], "grounded": grounded, "ms": round(ms)})
    n = len(rows)
    summary = {"case": "TOTAL", "expected": f"{n} cases", "chosen": "",
               "path": f"router {len(latencies['router'])} / react {len(latencies['react'])}",
               "tool_ok": f"{sum(r['tool_ok'] for r in rows) / n:.0%}", "grounded": f"{sum(r['grounded'] for r in rows) / n:.0%}",
               "ms": round(statistics.median([r["ms"] for r in rows]))}
    emit(rows + [summary], args.json)
    for path, values in latencies.items():
        if values:
            print(f"{path}: p50 {statistics.median(values):.0f} ms, max {max(values):.0f} ms, n={len(values)}")


if __name__ == "__main__":
    main()
