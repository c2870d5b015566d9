"""Pieces of the final answer while a ReAct step is still being generated.

- `StepAnswerDecoder`: the local model writes each step as JSON, a tool call `{"tool": ..., "args": {...}}`
  or the answer `{"reply": "..."}`. Fed the JSON in chunks as they stream, it returns the newly decoded
  characters of the string at `path` (default: the top-level "reply"), escapes included (`\\n`, `\\"`,
  `\\uXXXX`, surrogate pairs), an escape split across chunks held back until it is complete. Nothing
  comes out for a tool call. What it has decoded always equals `json.loads(whole)["reply"]` so far.
- `FinalAnswerText`: the text protocol (server models): everything after `Final Answer:`.
- `Trim`: deltas whose concatenation equals `"".join(pieces).strip()` (leading whitespace dropped,
  trailing whitespace held back until more text follows).
"""
from __future__ import annotations

FINISH = "FinishAction"  # lagent's name for the final answer
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class StepAnswerDecoder:
    """Incremental JSON scanner that streams out one string value of a step: the answer."""

    def __init__(self, path: tuple = ("reply",)):
        self.path = tuple(path)          # object keys from the top down to the answer string
        self.answer = ""                 # the answer decoded so far
        self.done = False                # the answer string is closed
        self._stack: list[list] = []     # per open container: [kind "o"/"a", current key, state]
        self._in_string = False
        self._is_key = False
        self._target = False             # the open string is the answer
        self._chars: list[str] = []      # the open string, decoded
        self._escape = ""                # a pending escape, e.g. "\\u00"
        self._high = ""                  # a pending high surrogate waiting for its low half

    def _path(self) -> tuple:
        return tuple(frame[1] for frame in self._stack if frame[0] == "o")

    def _put(self, text: str, out: list[str]) -> None:
        self._chars.append(text)
        if self._target:
            out.append(text)

    def _decoded(self, char: str, out: list[str]) -> None:
        """One decoded character of the open string, pairing UTF-16 surrogates as json.loads does."""
        if self._high:
            high, self._high = self._high, ""
            if 0xDC00 <= ord(char) <= 0xDFFF:
                self._put(chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(char) - 0xDC00)), out)
                return
            self._put(high, out)
        self._put(char, out)

    def feed(self, chunk: str) -> str:
        """Consume the next piece of the step's JSON; return the answer characters it completed."""
        out: list[str] = []
        for ch in chunk:
            if self._in_string:
                self._string_char(ch, out)
            else:
                self._structure_char(ch)
        text = "".join(out)
        self.answer += text
        return text

    def _string_char(self, ch: str, out: list[str]) -> None:
        if self._escape:
            self._escape += ch
            if self._escape[1] != "u":
                self._decoded(_SIMPLE_ESCAPES.get(ch, ch), out)
                self._escape = ""
            elif len(self._escape) == 6:
                code = int(self._escape[2:], 16)
                self._escape = ""
                if 0xD800 <= code <= 0xDBFF:  # wait for the low surrogate
                    if self._high:
                        self._put(self._high, out)
                    self._high = chr(code)
                else:
                    self._decoded(chr(code), out)
            return
        if ch == "\\":
            self._escape = ch
            return
        if self._high and ch != '"':
            self._put(self._high, out)
            self._high = ""
        if ch == '"':
            if self._high:
                self._put(self._high, out)
                self._high = ""
            self._close_string()
            return
        self._put(ch, out)

    def _close_string(self) -> None:
        value = "".join(self._chars)
        self._in_string, self._chars = False, []
        if self._target:
            self._target, self.done = False, True
        if not self._stack:
            return
        frame = self._stack[-1]
        if self._is_key:
            frame[1], frame[2] = value, "colon"
            return
        frame[2] = "after"

    def _structure_char(self, ch: str) -> None:
        top = self._stack[-1] if self._stack else None
        if ch == "{":
            self._stack.append(["o", None, "key"])
        elif ch == "[":
            self._stack.append(["a", None, "value"])
        elif ch in "}]":
            if self._stack:
                self._stack.pop()
            if self._stack:
                self._stack[-1][2] = "after"
        elif ch == ":" and top and top[0] == "o":
            top[2] = "value"
        elif ch == "," and top:
            top[2] = "key" if top[0] == "o" else "value"
        elif ch == '"':
            self._in_string, self._chars = True, []
            self._is_key = bool(top and top[0] == "o" and top[2] == "key")
            self._target = (not self._is_key and len(self._stack) == len(self.path) and not self.done
                            and self._path() == self.path)


class FinalAnswerText:
    """The text after `Final Answer:` in a text-protocol step, piece by piece."""

    def __init__(self, marker: str = "Final Answer:"):
        self.marker = marker
        self.text = ""
        self._at: int | None = None   # index just past the marker, once seen
        self._sent = 0

    def feed(self, chunk: str) -> str:
        self.text += chunk
        if self._at is None:
            i = self.text.find(self.marker)
            if i < 0:
                return ""
            self._at = self._sent = i + len(self.marker)
        new = self.text[self._sent:]
        self._sent = len(self.text)
        return new


class Trim:
    """Forward deltas so that their concatenation equals the stripped whole."""

    def __init__(self):
        self._started = False
        self._held = ""

    def feed(self, piece: str) -> str:
        if not self._started:
            piece = piece.lstrip()
            if not piece:
                return ""
            self._started = True
        body = piece.rstrip()
        if not body:
            self._held += piece
            return ""
        out = self._held + body
        self._held = piece[len(body):]
        return out
