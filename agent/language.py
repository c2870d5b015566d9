"""Which language the user wrote in: Chinese when CJK characters dominate the letters."""
import re

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, default: str = "en") -> str:
    cjk = len(_CJK.findall(text or ""))
    latin_words = len(re.findall(r"[A-Za-z]+", text or ""))
    if cjk == 0 and latin_words == 0:
        return default
    return "zh" if cjk >= latin_words else "en"
