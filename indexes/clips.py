"""The clips a GIF library holds: one generated clip per exercise, and the user's own clips from a captions file.

Why apart from the index: the captions file is untrusted input (absolute paths, `..`, links out of the
folder, other file types or contents that are not GIF/MP4 reject the whole file with every problem
listed, `CaptionsError`), and checking it has nothing to do with searching.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

CLIP_MAGIC = {".gif": (b"GIF87a", b"GIF89a"), ".mp4": (b"ftyp",)}
MAX_CAPTION_CHARS = 300
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,80}$")


class CaptionsError(ValueError):
    """A user captions file that cannot be trusted; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("rejected captions file:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Clip:
    id: str              # exercise id for generated clips, "user:<file>" for user clips
    exercise_id: str     # "" when a user clip names none
    caption_en: str
    caption_zh: str
    keywords: str        # extra words for keyword search: pattern, equipment, muscles (both languages)
    source: str          # "generated" | "user"
    file: str            # user clips: path relative to the clips folder; generated: ""
    how: str = ""        # how it is done (steps, both languages), for requests that describe the movement


    def texts(self) -> list[str]:
        return [t for _, t in self.texts_by_lang()]

    def texts_by_lang(self) -> list[tuple[str, str]]:
        return [(lang, t) for lang, t in (("en", self.caption_en), ("zh", self.caption_zh)) if t]


def exercise_clips(kb) -> list[Clip]:
    """One generated clip per exercise, captioned with its names; keywords say pattern, kit, muscles."""
    clips = []
    for ex in kb.exercises.values():
        words = []
        for lang in ("en", "zh"):
            words.append(kb.label("patterns", ex.pattern, lang))
            words += [kb.equipment[e].name.get(lang) if e in kb.equipment else e.replace("_", " ") for e in ex.equipment]
            words += [kb.label("muscles", m, lang) for m in ex.primary_muscles]
        how = " ".join(s for lang in ("en", "zh") for s in (ex.steps.get(lang) or ()))
        clips.append(Clip(ex.id, ex.id, ex.name.en, ex.name.zh, " ".join(words), "generated", "", how))
    return clips


def _check_entry(root: Path, entry: dict, n: int) -> tuple[Clip | None, list[str]]:
    where = f"entry #{n}"
    if not isinstance(entry, dict):
        return None, [f"{where}: expected an object with file and captions"]
    problems = []
    name = str(entry.get("file") or "").strip()
    raw = Path(name)
    if not name:
        problems.append(f"{where}: missing 'file'")
    elif raw.is_absolute() or name.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", name):
        problems.append(f"{where}: absolute path {name!r} is not allowed; give a path inside the clips folder")
    elif ".." in re.split(r"[\\/]", name):
        problems.append(f"{where}: '..' in {name!r} would leave the clips folder")
    else:
        path = root / name
        try:
            inside = path.resolve(strict=True).is_relative_to(root.resolve())
        except (OSError, RuntimeError):
            inside = None
        suffix = path.suffix.lower()
        if inside is None:
            problems.append(f"{where}: {name!r} does not exist")
        elif not inside:
            problems.append(f"{where}: {name!r} links outside the clips folder")
        elif suffix not in CLIP_MAGIC:
            problems.append(f"{where}: {name!r} is not a .gif or .mp4 file")
        elif not path.resolve().is_file():
            problems.append(f"{where}: {name!r} is not a regular file")
        else:
            head = path.resolve().read_bytes()[:12]
            if not any(head.startswith(m) or head[4:8] == m for m in CLIP_MAGIC[suffix]):
                problems.append(f"{where}: {name!r} does not contain {suffix[1:].upper()} data")
    en, zh = (str(entry.get(k) or "").strip() for k in ("caption_en", "caption_zh"))
    if not (en or zh):
        problems.append(f"{where}: needs caption_en or caption_zh")
    if len(en) > MAX_CAPTION_CHARS or len(zh) > MAX_CAPTION_CHARS:
        problems.append(f"{where}: captions are limited to {MAX_CAPTION_CHARS} characters")
    ex_id = str(entry.get("exercise_id") or "").strip()
    if ex_id and not _ID.match(ex_id):
        problems.append(f"{where}: exercise_id {ex_id!r} is not an id (lower-case letters, digits, _ and -)")
    if problems:
        return None, problems
    return Clip(f"user:{raw.as_posix()}", ex_id, en, zh, "", "user", raw.as_posix()), []


def read_captions(clips_dir: Path | str) -> list[Clip]:
    """The user clips listed in the folder's captions file ([] when there is none); raises CaptionsError."""
    root = Path(clips_dir)
    json_path, csv_path = root / "captions.json", root / "captions.csv"
    if json_path.is_file():
        try:
            entries = json.loads(json_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CaptionsError([f"captions.json: not valid JSON ({exc})"]) from exc
        if not isinstance(entries, list):
            raise CaptionsError(["captions.json: expected a list of entries"])
    elif csv_path.is_file():
        with csv_path.open(encoding="utf-8", newline="") as fh:
            entries = list(csv.DictReader(fh))
    else:
        return []
    clips, problems, seen = [], [], set()
    for n, entry in enumerate(entries, 1):
        clip, found = _check_entry(root, entry, n)
        problems += found
        if clip and clip.id in seen:
            problems.append(f"entry #{n}: {clip.file!r} is listed twice")
        elif clip:
            seen.add(clip.id)
            clips.append(clip)
    if problems:
        raise CaptionsError(problems)
    return clips
