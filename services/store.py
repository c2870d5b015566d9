"""Per-user profiles and history, kept locally in SQLite so a user can come back to them, or delete them.

A user is an opaque id the client keeps (the browser's local storage in the UI); ids this server issued
are listed in `users` (see services/access.py for who may use which). Profiles are the planner inputs a
user last entered; history is what they asked and got (chat turns, plans, scans), newest first.

WAL journal, one write lock, a commit per write: concurrent users don't see "database is locked", and
a killed process keeps every acknowledged write. A deleted user's pages are given back to the file.
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
MAX_PROFILE_BYTES = 16_384   # UTF-8 JSON of one saved profile; the API's field caps keep real ones ~1 KB


def check_user_id(user_id: str) -> str:
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise ValueError("user id must be 1-64 letters, digits, '.', '_' or '-'")
    return user_id


class UserStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        if self._db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:   # 2 = incremental
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._db.execute("VACUUM")   # a file made before this setting: rewrite it once so deletes shrink it
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")        # durable across a killed process (not power loss)
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS users (user TEXT PRIMARY KEY, browser TEXT NOT NULL, created REAL);"
            "CREATE TABLE IF NOT EXISTS profiles (user TEXT PRIMARY KEY, profile TEXT NOT NULL, updated REAL);"
            "CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, user TEXT NOT NULL, kind TEXT NOT NULL,"
            " summary TEXT NOT NULL, payload TEXT, created REAL);"
            "CREATE INDEX IF NOT EXISTS history_user ON history(user, id);")
        self._db.commit()

    def _read(self, sql: str, args: tuple) -> list:
        with self._lock:   # one connection shared by threads: reads wait for a write in progress
            return self._db.execute(sql, args).fetchall()

    def add_user(self, user_id: str, browser: str = "") -> None:
        """Record an id this server issued (`browser`: digest of the browser it was issued to, or "")."""
        with self._lock:
            self._db.execute("INSERT INTO users VALUES (?, ?, ?)", (check_user_id(user_id), browser, time.time()))
            self._db.commit()

    def user_record(self, user_id: str) -> dict | None:
        rows = self._read("SELECT browser, created FROM users WHERE user=?", (check_user_id(user_id),))
        return {"browser": rows[0][0], "created": rows[0][1]} if rows else None

    def profile(self, user_id: str) -> dict:
        rows = self._read("SELECT profile FROM profiles WHERE user=?", (check_user_id(user_id),))
        return json.loads(rows[0][0]) if rows else {}

    def save_profile(self, user_id: str, profile: dict) -> dict:
        """Merge `profile` into the saved one (None values are dropped) and return the result."""
        with self._lock:   # read and write under one lock, so two concurrent saves both land
            row = self._db.execute("SELECT profile FROM profiles WHERE user=?", (check_user_id(user_id),)).fetchone()
            merged = {**(json.loads(row[0]) if row else {}), **{k: v for k, v in profile.items() if v is not None}}
            text = json.dumps(merged, ensure_ascii=False, default=str)
            if len(text.encode("utf-8")) > MAX_PROFILE_BYTES:
                raise ValueError(f"the profile would be over {MAX_PROFILE_BYTES} bytes")
            self._db.execute("INSERT OR REPLACE INTO profiles VALUES (?, ?, ?)",
                             (user_id, text, time.time()))
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
        rows = self._read("SELECT id, kind, summary, created FROM history WHERE user=? ORDER BY id DESC LIMIT ?",
                          (check_user_id(user_id), limit))
        return [{"id": i, "kind": k, "summary": s, "created": c} for i, k, s, c in rows]

    def history_item(self, user_id: str, item_id: int) -> dict | None:
        rows = self._read("SELECT kind, summary, payload, created FROM history WHERE user=? AND id=?",
                          (check_user_id(user_id), item_id))
        if not rows:
            return None
        row = rows[0]
        return {"id": item_id, "kind": row[0], "summary": row[1], "payload": json.loads(row[2]) if row[2] else None,
                "created": row[3]}

    def delete_user(self, user_id: str, forget_id: bool = True) -> None:
        """Delete the profile and history (and, by default, the issued id itself)."""
        with self._lock:
            self._db.execute("DELETE FROM profiles WHERE user=?", (check_user_id(user_id),))
            self._db.execute("DELETE FROM history WHERE user=?", (user_id,))
            if forget_id:
                self._db.execute("DELETE FROM users WHERE user=?", (user_id,))
            self._db.commit()
            # sqlite3_exec steps the pragma to the end (one execute() step frees only one page)
            self._db.executescript("PRAGMA incremental_vacuum;")

    def integrity(self) -> str:
        """SQLite's own check: "ok" when the file is sound."""
        return self._read("PRAGMA integrity_check", ())[0][0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
