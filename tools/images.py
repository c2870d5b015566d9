"""Safe decoding of user images: upload bytes, paths, PIL images, numpy frames → an RGB PIL image.

Why this file: every image the app gets comes from a person (photo upload, webcam snapshot, video
frame) and may be empty, truncated, not an image at all, a decompression bomb (a few KB that
decode to gigapixels), 16-bit, grayscale, palette or transparent, or rotated by EXIF. One function
turns all of that into either a plain RGB image of sane size or an `ImageInputError` with a
message in English and Chinese that the UI can show as is. Limits are arguments (the app passes
`Settings.max_upload_mb`); nothing here reads the environment or touches PIL's global settings.
"""
from __future__ import annotations

import base64
import ctypes
import ctypes.util
import io
import os
import struct
import threading
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

MAX_BYTES = 20 * 2**20        # bytes; default upload limit (Settings.max_upload_mb = 20)
MAX_PIXELS = 40_000_000       # width × height of the encoded image; a 12 MP phone photo is well under
MIN_SIDE = 32                 # px; a shorter side below this carries nothing recognisable
WORK_SIDE = 1024              # px; decoded images are shrunk to this long side (the models use ≤ 320)
_BACKGROUND = (255, 255, 255)  # transparent pixels are composited onto white, like a photo print
BIG_PIXELS = 4_000_000        # a decode above this many pixels takes one of BIG_DECODE_SLOTS (memory, not CPU)
BIG_DECODE_SLOTS = 2          # concurrent big decodes: 12 uploads of a 36 MP PNG used to hold 12 × 108 MB at once
_BIG_DECODES = threading.BoundedSemaphore(BIG_DECODE_SLOTS)


class ImageInputError(ValueError):
    """An image the app cannot use; `code` is stable, `en` / `zh` are messages for people."""

    def __init__(self, code: str, en: str, zh: str):
        super().__init__(f"{en} / {zh}")
        self.code, self.en, self.zh = code, en, zh

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict:
        return {"error": self.code, "message_en": self.en, "message_zh": self.zh}


def _error(code: str, **fmt) -> ImageInputError:
    en, zh = _MESSAGES[code]
    return ImageInputError(code, en.format(**fmt), zh.format(**fmt))


_MESSAGES = {
    "empty": ("The image is empty.", "图片为空。"),
    "too_large": ("The file is {mb:.1f} MB; the limit is {limit:.1f} MB.", "文件大小 {mb:.1f} MB，超过上限 {limit:.1f} MB。"),
    "not_image": ("This file is not an image we can read (JPEG, PNG, WebP, GIF, BMP).",
                  "无法识别该文件为图片（支持 JPEG、PNG、WebP、GIF、BMP）。"),
    "corrupt": ("The image is damaged or truncated; please take or upload it again.",
                "图片已损坏或不完整，请重新拍摄或上传。"),
    "too_many_pixels": ("The image is {w}×{h} pixels, more than the {limit} MP allowed.",
                        "图片为 {w}×{h} 像素，超过允许的 {limit} 百万像素。"),
    "too_small": ("The image is {w}×{h} pixels; it needs at least {min_side} px on each side.",
                  "图片只有 {w}×{h} 像素，每边至少需要 {min_side} 像素。"),
    "missing": ("The image file was not found.", "找不到图片文件。"),
    "bad_array": ("The image array has an unsupported shape {shape} or type {dtype}.",
                  "图片数组的形状 {shape} 或类型 {dtype} 不受支持。"),
    "unsupported": ("Unsupported image input of type {kind}.", "不支持的图片输入类型 {kind}。"),
}


def load_image(source, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS, min_side: int = MIN_SIDE,
               work_side: int = WORK_SIDE, bgr: bool = False) -> Image.Image:
    """Any image input → RGB PIL image at most `work_side` px long; raises ImageInputError.

    source: bytes / bytearray / memoryview, a path (str or Path), a binary file object, a PIL image,
    or a numpy array (H×W, H×W×3, H×W×4; uint8, uint16 or float in 0–1). `bgr` marks OpenCV frames.
    """
    if isinstance(source, Image.Image):
        img = _checked_pil(source, max_pixels)
    elif isinstance(source, np.ndarray):
        img = _from_array(source, bgr)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        img = _decode(bytes(source), max_bytes, max_pixels)
    elif isinstance(source, (str, Path)):
        img = _decode(_read_path(Path(source), max_bytes), max_bytes, max_pixels)
    elif hasattr(source, "read"):
        img = _decode(source.read(max_bytes + 1), max_bytes, max_pixels)
    else:
        raise _error("unsupported", kind=type(source).__name__)
    img = _to_rgb(img)
    if min(img.size) < min_side:
        raise _error("too_small", w=img.width, h=img.height, min_side=min_side)
    if max(img.size) > work_side:
        img.thumbnail((work_side, work_side), Image.BILINEAR)
    return img


def load_image_or_error(source, lang: str = "en", **limits) -> tuple[Image.Image | None, str]:
    """(image, "") or (None, message in `lang`) for callers that report rather than raise."""
    try:
        return load_image(source, **limits), ""
    except ImageInputError as exc:
        return None, exc.message(lang)


def to_data_url(img: Image.Image, max_side: int = 768, quality: int = 85) -> str:
    """JPEG base64 `data:` URL, the form lmdeploy / vLLM / Ollama accept in an `image_url` part."""
    img = img.convert("RGB")
    if max(img.size) > max_side:
        img = img.copy()
        img.thumbnail((max_side, max_side), Image.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _read_path(path: Path, max_bytes: int) -> bytes:
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise _error("too_large", mb=size / 2**20, limit=max_bytes / 2**20)
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise _error("missing") from exc
    except OSError as exc:
        raise _error("corrupt") from exc


def _decode(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    if not data:
        raise _error("empty")
    if len(data) > max_bytes:
        raise _error("too_large", mb=len(data) / 2**20, limit=max_bytes / 2**20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit below decides
            img = Image.open(io.BytesIO(data))   # reads the header only
            _check_pixels(img, max_pixels)
            if getattr(img, "n_frames", 1) > 1:
                img.seek(0)                      # animated GIF / WebP: the first frame
            if img.format == "JPEG":
                img.draft("RGB", (WORK_SIDE, WORK_SIDE))  # decode big JPEGs at 1/2–1/8 scale, much faster
            if img.width * img.height > BIG_PIXELS:
                img = _decode_big(img)
            else:
                img.load()
            img = ImageOps.exif_transpose(img)   # phone photos are stored sideways with a rotate tag
    except ImageInputError:
        raise
    except Image.DecompressionBombError as exc:
        raise _error("too_many_pixels", w="?", h="?", limit=max_pixels // 1_000_000) from exc
    except Image.UnidentifiedImageError as exc:
        raise _error("not_image") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        raise _error("corrupt") from exc
    return img


def _decode_big(img: Image.Image) -> Image.Image:
    """Decode a big (non-JPEG) image in one of a few slots, shrink it at once by an integer factor
    (`reduce`), and hand the full-size buffer back to the OS: peak memory is bounded by the slots."""
    with _BIG_DECODES:
        img.load()
        factor = max(1, max(img.size) // WORK_SIDE)
        if factor > 1 and img.mode not in ("P", "1"):
            small = img.reduce(factor)
            img.close()
            del img
            release_memory()
            return small
        return img


def release_memory() -> None:
    """glibc keeps freed big buffers in the process; malloc_trim returns them (no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _check_pixels(img: Image.Image, max_pixels: int) -> None:
    w, h = img.size
    if w * h > max_pixels:
        raise _error("too_many_pixels", w=w, h=h, limit=max_pixels // 1_000_000)


def _checked_pil(img: Image.Image, max_pixels: int) -> Image.Image:
    _check_pixels(img, max_pixels)
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise _error("corrupt") from exc
    return img


def _from_array(arr: np.ndarray, bgr: bool) -> Image.Image:
    bad = _error("bad_array", shape=tuple(arr.shape), dtype=str(arr.dtype))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)) or arr.size == 0:
        raise bad
    if arr.dtype == np.uint8:
        pass
    elif arr.dtype == np.uint16:
        arr = (arr >> 8).astype(np.uint8)
    elif arr.dtype.kind == "f":
        arr = (np.clip(np.nan_to_num(arr), 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    elif arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * 255
    else:
        raise bad
    if bgr and arr.ndim == 3:
        arr = arr[:, :, [2, 1, 0, 3][: arr.shape[2]]]
    return Image.fromarray(np.ascontiguousarray(arr))


def _to_rgb(img: Image.Image) -> Image.Image:
    """Grayscale, palette, CMYK, 16-bit and transparent images → 8-bit RGB."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        arr = np.asarray(img, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(arr)
        img = Image.fromarray(arr.astype(np.uint8))
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "RGBa", "La", "PA"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, _BACKGROUND)
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img if img.mode == "RGB" else img.convert("RGB")
