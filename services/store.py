"""Per-user profiles and history, kept locally in SQLite so a user can come back to them, or delete them.

A user is an opaque id the client keeps (the browser's local storage in the UI, any string in the API).
Profiles are the planner inputs a user last entered; history is what they asked and got (chat turns,
plans, scans), newest first.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from pathlib import Path

USER_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
HISTORY_KINDS = ("chat", "training_plan", "nutrition_plan", "scan", "video")
MAX_HISTORY = 200   # per user; older entries are pruned


def check_user_id(user_id: str) -> str:
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise ValueError("user id must be 1-64 letters, digits, '.', '_' or '-'")
    return user_id


class UserStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS profiles (user TEXT PRIMARY KEY, profile TEXT NOT NULL, updated REAL);"
            "CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, user TEXT NOT NULL, kind TEXT NOT NULL,"
            " summary TEXT NOT NULL, payload TEXT, created REAL);"
            "CREATE INDEX IF NOT EXISTS history_user ON history(user, id);")
        self._db.commit()

    def profile(self, user_id: str) -> dict:
        row = self._db.execute("SELECT profile FROM profiles WHERE user=?", (check_user_id(user_id),)).fetchone()
        return json.loads(row[0]) if row else {}

    def save_profile(self, user_id: str, profile: dict) -> dict:
        """Merge `profile` into the saved one (None values are dropped) and return the result."""
        with self._lock:   # read and write under one lock, so two concurrent saves both land
            merged = {**self.profile(user_id), **{k: v for k, v in profile.items() if v is not None}}
            self._db.execute("INSERT OR REPLACE INTO profiles VALUES (?, ?, ?)",
                             (user_id, json.dumps(merged, ensure_ascii=False), time.time()))
            self._db.commit()
        return merged

    def add_history(self, user_id: str, kind: str, summary: str, payload: dict | None = None) -> int:
        if kind not in HISTORY_KINDS:
            raise ValueError(f"history kind must be one of {HISTORY_KINDS}")
        with self._lock:
            cur = self._db.execute("INSERT INTO history (user, kind, summary, payload, created) VALUES (?, ?, ?, ?, ?)",
                                   (check_user_id(user_id), kind, summary[:500],
                                    json.dumps(payload, ensure_ascii=False, default=str) if payload else None,
                                    time.time()))
            self._db.execute("DELETE FROM history WHERE user=? AND id NOT IN "
                             "(SELECT id FROM history WHERE user=? ORDER BY id DESC LIMIT ?)",
                             (user_id, user_id, MAX_HISTORY))
            self._db.commit()
            return int(cur.lastrowid)

    def history(self, user_id: str, limit: int = 50) -> list[dict]:
        rows = self._db.execute("SELECT id, kind, summary, created FROM history WHERE user=? ORDER BY id DESC LIMIT ?",
                                (check_user_id(user_id), limit)).fetchall()
        return [{"id": i, "kind": k, "summary": s, "created": c} for i, k, s, c in rows]

    def history_item(self, user_id: str, item_id: int) -> dict | None:
        row = self._db.execute("SELECT kind, summary, payload, created FROM history WHERE user=? AND id=?",
                               (check_user_id(user_id), item_id)).fetchone()
        if not row:
            return None
        return {"id": item_id, "kind": row[0], "summary": row[1], "payload": json.loads(row[2]) if row[2] else None,
                "created": row[3]}

    def delete_user(self, user_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM profiles WHERE user=?", (check_user_id(user_id),))
            self._db.execute("DELETE FROM history WHERE user=?", (user_id,))
            self._db.commit()
