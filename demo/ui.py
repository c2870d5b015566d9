"""The Gradio Blocks UI. Handlers are plain functions; the Blocks only lay out and wire."""
from __future__ import annotations

import gradio as gr

from config import Settings

TITLE = {"en": "FitnessLM — your bilingual fitness assistant", "zh": "FitnessLM —— 中英双语健身助手"}
INTRO = {
    "en": "Scan a gym machine, get a weekly training plan or a nutrition plan, and ask questions. "
          "Runs fully offline on a CPU by default.",
    "zh": "扫描健身器械、生成每周训练计划和营养计划，并随时提问。默认在 CPU 上完全离线运行。",
}


def status_markdown(report: dict) -> str:
    """Render the /health report as a short Markdown status line."""
    llm = report["llm"][report["llm_backend"]]
    kb = report.get("knowledge", {})
    return (f"**Status:** {report['status']} · **LLM:** {report['llm_backend']} "
            f"({'ready' if llm.get('ready') else 'not ready'}) · **Knowledge:** "
            + ", ".join(f"{k} {v}" for k, v in kb.items()))


def build_ui(settings: Settings) -> gr.Blocks:
    from api.health import health_report

    lang = settings.lang
    with gr.Blocks(title="FitnessLM") as demo:
        gr.Markdown(f"# {TITLE[lang]}\n{INTRO[lang]}")
        status = gr.Markdown()
        demo.load(lambda: status_markdown(health_report(settings)), outputs=status, api_name="status")
    return demo
