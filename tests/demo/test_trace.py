"""The chat's trace panel: each tool call under its toolbox label in the reader's language."""
from agent.turn import Turn
from demo.handlers import trace_markdown


def test_trace_lines_carry_the_tool_label_in_the_ui_language():
    step = {"tool": "search_knowledge", "args": {"question": "rest?"}, "ok": True, "ms": 12.0,
            "label": {"en": "Knowledge base", "zh": "知识库"}}
    turn = Turn("Rest.", "en", "knowledge", "index", [step, {"tool": "NoAction", "args": {}, "ok": False, "error": "format"}])
    zh = trace_markdown(turn, "zh").splitlines()
    assert zh[0] == "- ✅ 知识库 · `search_knowledge`(question='rest?') · 12 ms"
    assert trace_markdown(turn, "en").splitlines()[0].startswith("- ✅ Knowledge base · `search_knowledge`")
    assert zh[1] == "- ⚠️ `NoAction`() — format"  # not a tool: no label
