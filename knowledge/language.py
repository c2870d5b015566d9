"""Which language a text is in: Chinese when CJK characters at least match the Latin words.

Lives beside the knowledge files because every layer above (indexes, tools, agent) needs it.
"""
import re

CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def detect_language(text: str, default: str = "en") -> str:
    """'zh' or 'en'; `default` when the text has neither CJK characters nor Latin words."""
    cjk = len(CJK.findall(text or ""))
    latin_words = len(_LATIN_WORD.findall(text or ""))
    if cjk == 0 and latin_words == 0:
        return default
    return "zh" if cjk >= latin_words else "en"
