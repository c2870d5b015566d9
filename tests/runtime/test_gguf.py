"""The GGUF assembler: chunks concatenated once, verified by size and sha256, bad chunks named."""
import hashlib

import pytest

from runtime import ModelUnavailable
from runtime.gguf import LOCAL_MODELS, GGUFSpec, assemble, find_parts


def _spec_for(parts, name="tiny") -> GGUFSpec:
    data = b"".join(p.read_bytes() for p in parts)
    return GGUFSpec(name=name, filename="tiny.gguf", package_prefix="no_such_pkg_part",
                    distribution_prefix="tiny-part", version="1.0", n_parts=len(parts),
                    size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())


@pytest.fixture
def chunks(tmp_path):
    parts = []
    for i in range(3):
        p = tmp_path / f"part{i + 1:02d}.bin"
        p.write_bytes(bytes([i]) * 1000 + b"GGUF")
        parts.append(p)
    return parts


def test_assembles_and_verifies(chunks, tmp_path):
    spec = _spec_for(chunks)
    out = assemble(spec, tmp_path / "cache", parts=chunks)
    assert out.read_bytes() == b"".join(p.read_bytes() for p in chunks)
    # second call reuses the verified file without touching the chunks
    assert assemble(spec, tmp_path / "cache", parts=[]) == out


def test_truncated_chunk_is_reported_with_packages(chunks, tmp_path):
    spec = _spec_for(chunks)
    chunks[1].write_bytes(chunks[1].read_bytes()[:-10])
    with pytest.raises(ModelUnavailable) as err:
        assemble(spec, tmp_path / "cache", parts=chunks)
    assert "truncated" in str(err.value)
    assert "tiny-part2==1.0" in str(err.value)
    assert not (tmp_path / "cache" / "tiny.gguf").exists()


def test_corrupted_chunk_fails_the_checksum(chunks, tmp_path):
    spec = _spec_for(chunks)
    data = bytearray(chunks[2].read_bytes())
    data[5] ^= 0xFF
    chunks[2].write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable, match="sha256"):
        assemble(spec, tmp_path / "cache", parts=chunks)
    assert list((tmp_path / "cache").iterdir()) == []  # no partial file left behind


def test_cached_file_modified_after_verification_is_rebuilt(chunks, tmp_path):
    spec = _spec_for(chunks)
    out = assemble(spec, tmp_path / "cache", parts=chunks)
    out.write_bytes(b"x" * spec.size_bytes)
    assert assemble(spec, tmp_path / "cache", parts=chunks).read_bytes()[:4] == bytes([0]) * 4


def test_missing_packages_are_named():
    spec = GGUFSpec("ghost", "g.gguf", "no_such_pkg_part", "ghost-part", "0.1", 2, 10, "0" * 64)
    with pytest.raises(ModelUnavailable) as err:
        find_parts(spec)
    assert "ghost-part1==0.1" in str(err.value) and "pip install" in str(err.value)


@pytest.mark.parametrize("key", list(LOCAL_MODELS))
def test_packaged_chunks_are_installed_and_complete(key):
    spec = LOCAL_MODELS[key]
    parts = find_parts(spec)
    assert len(parts) == spec.n_parts
    assert sum(p.stat().st_size for p in parts) == spec.size_bytes
