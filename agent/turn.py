"""What one chat remembers between turns (Conversation) and what one turn returns (Turn)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Conversation:
    """What the agent remembers between turns of one user's chat."""

    messages: list[dict] = field(default_factory=list)
    profile: dict = field(default_factory=dict)
    pending: str | None = None      # the plan we asked details for ("training_plan"/"nutrition_plan")
    asked: list = field(default_factory=list)   # plans we already asked details for (ask once)
    plans: dict = field(default_factory=dict)   # the last plan of each kind ("training"/"nutrition"), for edits


@dataclass
class Turn:
    answer: str
    lang: str
    route: str                      # the router's intent, or "react"
    backend: str
    trace: list[dict] = field(default_factory=list)       # {tool, args, ok, ms}
    attachments: list[dict] = field(default_factory=list)  # {type: "gif", path, caption}
    data: dict | None = None        # the tool's full result (plan, recognition...) for the UI
    ms: float = 0.0
