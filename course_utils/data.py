"""The course's two data sets: surnames by language (downloaded) and Caesar ciphers (made).

The names come from the PyTorch tutorial archive. The repository ships a copy in
``data/names/``, so nothing here needs the network unless that copy is missing or
damaged; then `download_names` fetches the archive and checks every byte of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import torch
from tqdm.auto import tqdm
from unidecode import unidecode

from course_utils.encoding import NAME_ALPHABET

NAMES_URL = "https://download.pytorch.org/tutorial/data.zip"
NAMES_ZIP_SHA256 = "fb317e80248faeb62dc25ef3390ae24ca34b94e276bbc5141fd8862c2200bff5"
#: Where the 18 ``<Language>.txt`` files sit inside the archive.
_MEMBER_DIR = "data/names"
_MANIFEST = Path(__file__).with_name("names.sha256")
_REPO_DATA = Path(__file__).resolve().parents[1] / "data"


class DownloadError(RuntimeError):
    """The names data could not be fetched; the message says why and what to do."""


def _expected_files() -> dict[str, str]:
    """File name -> SHA-256, read from the checksum manifest that ships with the package."""
    expected = {}
    for line in _MANIFEST.read_text(encoding="ascii").splitlines():
        digest, name = line.split()
        expected[name] = digest
    return expected


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _data_root(root: str | os.PathLike[str] | None) -> Path:
    if root is not None:
        return Path(root)
    return Path(os.environ.get("COURSE_DATA_DIR") or _REPO_DATA)


def _is_complete(folder: Path, expected: dict[str, str]) -> bool:
    return all(
        (folder / name).is_file() and _sha256((folder / name).read_bytes()) == digest
        for name, digest in expected.items()
    )


def _fetch(url: str, target: Path, timeout: float) -> str:
    """Stream ``url`` into ``target`` with a progress bar; return the SHA-256 of what came."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc="names data") as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
        if total is not None and bar.n != total:
            raise DownloadError(f"the connection closed after {bar.n} of {total} bytes")
    return digest.hexdigest()


def _extract_names(archive: Path, folder: Path, expected: dict[str, str]) -> None:
    """Check every member of the zip, then write the 18 name files into ``folder``."""
    with zipfile.ZipFile(archive) as zf:
        members = zf.namelist()
        for member in members:
            path = PurePosixPath(member.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
                raise DownloadError(f"the archive holds an unsafe member {member!r}")
        folder.mkdir()
        found = set()
        for member in members:
            path = PurePosixPath(member)
            if str(path.parent) != _MEMBER_DIR or path.suffix != ".txt":
                continue
            if path.name not in expected:
                raise DownloadError(f"the archive holds an unexpected file {member!r}")
            data = zf.read(member)
            if _sha256(data) != expected[path.name]:
                raise DownloadError(f"{member} in the archive does not match its checksum")
            (folder / path.name).write_bytes(data)
            found.add(path.name)
    missing = sorted(set(expected) - found)
    if missing:
        raise DownloadError(f"the archive lacks {', '.join(missing)}")


def _describe(exc: BaseException) -> str:
    """One line on what went wrong, for the error message."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered HTTP {exc.code} ({exc.reason})"
    if isinstance(exc, urllib.error.URLError):
        return f"no connection ({exc.reason})"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed early, after {len(exc.partial)} bytes"
    if isinstance(exc, zipfile.BadZipFile):
        return f"the file is not a valid zip archive ({exc})"
    return str(exc)


def download_names(
    root: str | os.PathLike[str] | None = None,
    *,
    url: str = NAMES_URL,
    force: bool = False,
    timeout: float = 30,
    sha256: str | None = NAMES_ZIP_SHA256,
) -> Path:
    """Make sure the 18 name files are in ``root/names`` and return that folder.

    ``root=None`` means ``$COURSE_DATA_DIR`` if set, else the repository's ``data/``.
    When the files are there and match their checksums, no connection is made.
    Otherwise the archive at ``url`` is fetched, checked (``sha256`` of the whole zip,
    then of each file) and only then put in place. On any failure a `DownloadError`
    says why, the old folder is left as it was, and neither a temporary file nor a
    folder it created remains.

    Example:
        >>> folder = download_names()          # offline: uses the shipped copy
        >>> sorted(p.name for p in folder.glob("*.txt"))[:2]
        ['Arabic.txt', 'Chinese.txt']
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    expected = _expected_files()
    root = _data_root(root)
    target = root / "names"
    if not force and _is_complete(target, expected):
        return target

    created = [folder for folder in (root, *root.parents) if not folder.exists()]
    root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".names-download-", dir=root))
    try:
        archive = workdir / "data.zip"
        got = _fetch(url, archive, timeout)
        if sha256 is not None and got != sha256:
            raise DownloadError(f"the archive's SHA-256 is {got}, expected {sha256}")
        _extract_names(archive, workdir / "names", expected)
        old = workdir / "old"
        if target.exists():
            target.rename(old)
        try:
            (workdir / "names").rename(target)
        except OSError:
            if old.exists():  # put the old folder back before the work folder goes
                old.rename(target)
            raise
    except (OSError, http.client.HTTPException, zipfile.BadZipFile, DownloadError) as exc:
        raise DownloadError(
            f"Could not get the names data from {url}: {_describe(exc)}.\n"
            f"The folder {target} was left as it was. To get the data by hand, download "
            f"{NAMES_URL}, unzip it, and copy the 18 files of data/names/ into {target}; "
            "or restore the course's copy with `git checkout -- data/names`."
        ) from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not target.exists():  # a failed first download leaves no empty folders behind
            for folder in created:  # deepest first
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return target


def load_names(root: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """``(name, language)`` pairs from the 18 files, languages in sorted order.

    Names are transliterated to ASCII with unidecode (``Ślusàrski`` -> ``Slusarski``).
    Four of the 20,074 names still hold a symbol outside `NAME_ALPHABET` afterwards
    (for example a ``/`` or a digit) and are left out, leaving 20,070 pairs. Sorting
    the languages keeps the labels the same on every machine, whatever order the
    file system lists the files in.

    Example:
        >>> pairs = load_names()
        >>> len(pairs), pairs[0]
        (20070, ('Khoury', 'Arabic'))
    """
    folder = download_names(root)
    allowed = set(NAME_ALPHABET)
    pairs = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            name = unidecode(line.strip())
            if name and set(name) <= allowed:
                pairs.append((name, path.stem))
    return pairs


# --- the Caesar cipher ----------------------------------------------------------------

#: 26 letters and '-', which stands for every symbol that is not a letter.
CIPHER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-"


def _check_key(key: object) -> int:
    if isinstance(key, bool) or not isinstance(key, int):
        raise TypeError(f"key must be an int, got {type(key).__name__}")
    if key < 0:
        raise ValueError(f"key must be zero or positive, got {key}")
    return key


def _normalise(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return "".join(c if c in CIPHER_ALPHABET else "-" for c in text.upper())


def _shift(text: str, shift: int) -> str:
    size = len(CIPHER_ALPHABET)
    return "".join(CIPHER_ALPHABET[(CIPHER_ALPHABET.index(c) + shift) % size] for c in text)


def caesar_encrypt(text: str, key: int = 13) -> str:
    """Replace each symbol by the one ``key`` places to its right, wrapping around.

    Lower case is upper-cased and any symbol that is not a letter becomes ``-``.

    Example:
        >>> caesar_encrypt("This is a secret!")
        'FUVEMVEMNMERPDRFM'
    """
    return _shift(_normalise(text), _check_key(key))


def caesar_decrypt(text: str, key: int = 13) -> str:
    """Undo `caesar_encrypt`: shift ``key`` places to the left.

    Example:
        >>> caesar_decrypt("FUVEMVEMNMERPDRF")
        'THIS-IS-A-SECRET'
    """
    return _shift(_normalise(text), -_check_key(key))


def make_cipher_dataset(
    num_examples: int,
    length: int,
    *,
    key: int = 13,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random messages and their encryptions, as ``[num_examples, length]`` index tensors.

    Returns ``(encrypted, original)``: the model's input first, its target second.

    Example:
        >>> enc, orig = make_cipher_dataset(2, 5, generator=torch.Generator().manual_seed(0))
        >>> enc.shape, bool(((orig + 13) % 27 == enc).all())
        (torch.Size([2, 5]), True)
    """
    for name, value in (("num_examples", num_examples), ("length", length)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    key = _check_key(key)
    size = len(CIPHER_ALPHABET)
    original = torch.randint(size, (num_examples, length), generator=generator)
    return (original + key) % size, original


def _vigenere_shifts(key: object) -> list[int]:
    if not isinstance(key, str):
        raise TypeError(f"key must be a str of letters, got {type(key).__name__}")
    if not key or not key.isalpha() or not key.isascii():
        raise ValueError(f"key must be one or more letters A-Z, got {key!r}")
    return [CIPHER_ALPHABET.index(c) for c in key.upper()]


def vigenere_encrypt(text: str, key: str = "KEY") -> str:
    """Shift the i-th symbol by the (i mod len(key))-th letter of ``key`` (A=0, B=1, ...).

    Unlike Caesar, the same symbol encrypts differently at different positions, so a
    decrypter must know where in the key it stands: it needs memory.

    Example:
        >>> vigenere_encrypt("AAAA", "BC")
        'BCBC'
    """
    shifts = _vigenere_shifts(key)
    size = len(CIPHER_ALPHABET)
    return "".join(
        CIPHER_ALPHABET[(CIPHER_ALPHABET.index(c) + shifts[i % len(shifts)]) % size]
        for i, c in enumerate(_normalise(text))
    )


def make_vigenere_dataset(
    num_examples: int,
    length: int,
    *,
    key: str = "KEY",
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Like `make_cipher_dataset`, but encrypted with `vigenere_encrypt` and ``key``.

    Example:
        >>> enc, orig = make_vigenere_dataset(1, 4, key="BC")
        >>> bool(((orig + torch.tensor([1, 2, 1, 2])) % 27 == enc).all())
        True
    """
    shifts = torch.tensor(_vigenere_shifts(key))
    _, original = make_cipher_dataset(num_examples, length, key=0, generator=generator)
    positions = torch.arange(length) % len(shifts)
    return (original + shifts[positions]) % len(CIPHER_ALPHABET), original


# --- a multivariate time series ------------------------------------------------------


def lorenz96(
    num_steps: int,
    *,
    num_vars: int = 10,
    forcing: float = 8.0,
    dt: float = 0.05,
    noise: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A ``[num_steps, num_vars]`` series from the Lorenz-96 model, a toy atmosphere.

    ``num_vars`` values sit on a circle (think: one weather variable at equally spaced
    places around a latitude) and evolve by
    ``dx_i/dt = (x_{i+1} - x_{i-2}) * x_{i-1} - x_i + forcing``: advection, damping,
    and a constant drive. With ``forcing=8`` the motion is chaotic. The model is
    integrated with 4th-order Runge-Kutta in sub-steps of 0.01, after a burn-in
    that forgets the starting point; ``noise`` adds Gaussian measurement noise.

    Example:
        >>> series = lorenz96(100)
        >>> series.shape, bool(np.isfinite(series).all())
        ((100, 10), True)
    """
    for name, value in (("num_steps", num_steps), ("num_vars", num_vars)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if num_steps <= 0:
        raise ValueError(f"num_steps must be positive, got {num_steps}")
    if num_vars < 4:
        raise ValueError(f"num_vars must be at least 4 for the model's neighbours, got {num_vars}")
    if dt <= 0 or noise < 0:
        raise ValueError(f"dt must be positive and noise not negative, got {dt} and {noise}")
    rng = np.random.default_rng(seed)
    i = np.arange(num_vars)
    after, before, two_before = (i + 1) % num_vars, (i - 1) % num_vars, (i - 2) % num_vars

    def slope(x: np.ndarray) -> np.ndarray:
        return (x[after] - x[two_before]) * x[before] - x + forcing

    substeps = max(1, round(dt / 0.01))
    h = dt / substeps
    x = forcing + rng.normal(0.0, 0.01, num_vars)
    out = np.empty((num_steps, num_vars))
    for step in range(-200, num_steps):  # the first 200 are burn-in
        for _ in range(substeps):
            k1 = slope(x)
            k2 = slope(x + h / 2 * k1)
            k3 = slope(x + h / 2 * k2)
            k4 = slope(x + h * k3)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if step >= 0:
            out[step] = x
    return out + rng.normal(0.0, noise, out.shape) if noise else out
