"""The surnames data set: 18 files of surnames by language, read, cleaned and split.

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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import numpy as np
from sklearn.model_selection import train_test_split
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
    """Whether every file is there with the right content, whatever its line ends.

    Git for Windows checks text files out with CRLF line ends (``core.autocrlf=true``); the
    names files hold no carriage return of their own, so each is checked as LF text.
    """
    return all(
        (folder / name).is_file()
        and _sha256((folder / name).read_bytes().replace(b"\r\n", b"\n")) == digest
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


def read_rows(root: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """Every line of the 18 files as ``(line, language)``, exactly as written: 20,074 rows.

    Languages come in sorted order, whatever order the file system lists the files in.

    Example:
        >>> rows = read_rows()
        >>> len(rows), rows[0]
        (20074, ('Khoury', 'Arabic'))
    """
    folder = download_names(root)
    return [
        (line.strip(), path.stem)
        for path in sorted(folder.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_names(root: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """``(name, language)`` pairs as the post read them: 20,070 of the 20,074 rows.

    Names are transliterated to ASCII with unidecode (``Ślusàrski`` -> ``Slusarski``).
    Rows that still hold a symbol outside `NAME_ALPHABET` afterwards (a ``/`` or a
    digit) are left out. Repeated rows and the junk rows (see `is_junk`) stay: this is
    the data of the post's protocol. `unique_pairs` gives the cleaned set.

    Example:
        >>> pairs = load_names()
        >>> len(pairs), pairs[0]
        (20070, ('Khoury', 'Arabic'))
    """
    allowed = set(NAME_ALPHABET)
    pairs = [(unidecode(line), language) for line, language in read_rows(root)]
    return [(name, language) for name, language in pairs if set(name) <= allowed]


#: A line of the web page the Russian list was copied from, repeated 24 times.
JUNK = "To The First Page"


def is_junk(name: str) -> bool:
    """Whether ``name`` is no surname but the page's navigation text (`JUNK`).

    Example:
        >>> is_junk("To The First  Page"), is_junk("Page")
        (True, False)
    """
    return " ".join(name.split()) == JUNK


def unique_pairs(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pairs`` without junk rows and without repeats, in their first order.

    A name listed under two languages stays twice: once per language.

    Example:
        >>> unique_pairs([("Abel", "English"), ("Abel", "English"), ("Abel", "French")])
        [('Abel', 'English'), ('Abel', 'French')]
    """
    return [pair for pair in dict.fromkeys(pairs) if not is_junk(pair[0])]


def split_names(
    labels: Sequence[int],
    *,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    groups: Sequence[object] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions for training, validation and test, stratified by label and seeded.

    Each part keeps every language's share of the whole. With ``groups`` (for example
    each pair's name), the groups are split instead of the positions, stratified by the
    label of each group, and every position follows its group: a name
    listed under two languages then never has one pair in training and one in the test.
    A group is stratified by its rarest label, so that small languages keep their share.

    Example:
        >>> train, val, test = split_names([0] * 8 + [1] * 12)
        >>> len(train), len(val), len(test)
        (16, 2, 2)
        >>> pairs_of = [i // 2 for i in range(20)]  # ten groups of two positions each
        >>> train, val, test = split_names([0, 1] * 10, groups=pairs_of)
        >>> {pairs_of[i] for i in train} & {pairs_of[i] for i in [*val, *test]}
        set()
    """
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(
            f"fractions must be three positive shares that sum to 1, got {fractions!r}"
        )
    labels = np.asarray(labels)
    if groups is None:
        return _split(np.arange(len(labels)), labels, fractions, seed)
    if len(groups) != len(labels):
        raise ValueError(f"groups has {len(groups)} items but labels has {len(labels)}")
    size = Counter(labels.tolist())
    rarest = {}  # group -> the label of its pair whose label is rarest overall
    for label, group in zip(labels.tolist(), groups, strict=True):
        if group not in rarest or size[label] < size[rarest[group]]:
            rarest[group] = label
    order = list(rarest)
    parts = _split(np.arange(len(order)), np.array(list(rarest.values())), fractions, seed)
    part_of = {order[k]: p for p, part in enumerate(parts) for k in part}
    return tuple(
        np.array([i for i, group in enumerate(groups) if part_of[group] == p]) for p in range(3)
    )


def _split(
    positions: np.ndarray, labels: np.ndarray, fractions: tuple[float, float, float], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    held_out = fractions[1] + fractions[2]
    train, rest = train_test_split(
        positions, test_size=held_out, stratify=labels, shuffle=True, random_state=seed
    )
    val, test = train_test_split(
        rest,
        test_size=fractions[2] / held_out,
        stratify=labels[rest],
        shuffle=True,
        random_state=seed,
    )
    return train, val, test
