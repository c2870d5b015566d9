"""tools.images: every kind of bad upload gives ImageInputError with a bilingual message, never a crash."""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from tools.images import ImageInputError, load_image, load_image_or_error, to_data_url


def _encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _photo(w: int = 200, h: int = 120) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))


def _code(source, **kw) -> str:
    with pytest.raises(ImageInputError) as info:
        load_image(source, **kw)
    err = info.value
    assert err.en and err.zh and err.message("zh") == err.zh and isinstance(err, ValueError)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.zh)  # the Chinese message is Chinese
    return err.code


def test_jpeg_bytes_path_fileobj_and_pil(tmp_path):
    data = _encode(_photo(), "JPEG")
    path = tmp_path / "a.jpg"
    path.write_bytes(data)
    for source in (data, bytearray(data), path, str(path), io.BytesIO(data), _photo()):
        img = load_image(source)
        assert img.mode == "RGB" and img.size == (200, 120)


def test_alpha_grayscale_palette_and_16_bit_become_rgb():
    rgba = Image.new("RGBA", (64, 64), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 32, 64))
    img = load_image(_encode(rgba))
    assert img.mode == "RGB" and img.getpixel((50, 10)) == (255, 255, 255) and img.getpixel((5, 5)) == (0, 0, 255)
    assert load_image(_encode(Image.new("L", (64, 48), 90))).getpixel((1, 1)) == (90, 90, 90)
    pal = Image.new("P", (40, 40), 3)
    pal.info["transparency"] = 3
    assert load_image(_encode(pal, transparency=3)).mode == "RGB"
    sixteen = Image.fromarray(np.linspace(0, 65535, 64 * 64).reshape(64, 64).astype(np.uint16))
    out = np.asarray(load_image(_encode(sixteen)))
    assert out.shape == (64, 64, 3) and out.max() == 255 and out.min() == 0
    assert load_image(_encode(_photo().convert("CMYK"), "JPEG")).mode == "RGB"


def test_numpy_frames():
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[..., 0] = 200
    assert load_image(rgb).getpixel((0, 0)) == (200, 0, 0)
    assert load_image(rgb, bgr=True).getpixel((0, 0)) == (0, 0, 200)
    assert load_image(np.full((48, 64), 0.5, np.float32)).getpixel((0, 0)) == (128, 128, 128)
    assert load_image(np.full((48, 64, 4), 65535, np.uint16)).getpixel((0, 0)) == (255, 255, 255)
    assert _code(np.zeros((48, 64, 5), np.uint8)) == "bad_array"
    assert _code(np.zeros((48, 64), np.complex64)) == "bad_array"


def test_truncated_corrupt_and_non_images(tmp_path):
    data = _encode(_photo(400, 300), "JPEG")
    assert _code(data[: len(data) // 3]) == "corrupt"
    png = _encode(_photo(100, 100))
    assert _code(png[: len(png) // 2]) == "corrupt"
    assert _code(b"hello, this is text not a picture" * 10) == "not_image"
    assert _code(np.random.default_rng(1).bytes(5000)) == "not_image"
    assert _code(b"") == "empty"
    assert _code(tmp_path / "nope.jpg") == "missing"
    assert _code(tmp_path) == "missing"
    assert _code(12345) == "unsupported"


def test_size_limits_and_decompression_bomb():
    before = Image.MAX_IMAGE_PIXELS
    bomb = _encode(Image.new("1", (9000, 6000)))  # 54 MP of zeros: a few KB on disk
    assert len(bomb) < 100_000
    assert _code(bomb) == "too_many_pixels"
    assert _code(_encode(_photo(300, 300)), max_pixels=50_000) == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == before  # the global guard is left as it was
    assert _code(_encode(_photo(), "JPEG"), max_bytes=1000) == "too_large"
    assert _code(_encode(Image.new("RGB", (20, 300)))) == "too_small"
    big = load_image(_encode(Image.new("RGB", (3000, 1500), (9, 9, 9)), "JPEG"))
    assert max(big.size) <= 1024


def test_exif_rotation_and_animated_gif():
    img = Image.new("RGB", (120, 60), (0, 128, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    assert load_image(_encode(img, "JPEG", exif=exif.tobytes())).size == (60, 120)
    frames = [Image.new("RGB", (50, 50), c) for c in ((255, 0, 0), (0, 255, 0))]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    r, g, _ = load_image(buf.getvalue()).getpixel((10, 10))
    assert r > 200 and g < 50


def test_or_error_and_data_url():
    img, msg = load_image_or_error(b"junk", lang="zh")
    assert img is None and "图片" in msg
    url = to_data_url(_photo(2000, 1000))
    assert url.startswith("data:image/jpeg;base64,")
    back = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert max(back.size) == 768
