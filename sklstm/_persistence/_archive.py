"""The zip archive around every sklstm file: read within bounds, written atomically.

A file is hostile until checked: :func:`open_zip` refuses a directory larger
than the members it may hold before :mod:`zipfile` parses it, and counts the
entries :mod:`zipfile` actually built; :func:`read_member` reads a member with
a cap, never trusting the size it declares; :func:`parse_json` parses bounded
JSON. :func:`write_atomically` replaces a file in one step. Nothing here knows
what the members mean.
"""

import contextlib
import json
import math
import os
import stat
import struct
import zipfile
import zlib

# A member over BOMB_FLOOR_BYTES may not inflate more than MAX_EXPANSION
# times: JSON deflates ~4x, trained float32 weights hardly at all.
BOMB_FLOOR_BYTES = 2**20
MAX_EXPANSION = 20
MAX_JSON_DEPTH = 64  # Keras configs nest ~10 deep
_MAX_INT_DIGITS = 19  # int64
# The most bytes one entry of a zip's central directory may take: its 46
# fixed bytes, a name and extra fields (zip64 sizes take 28); the names
# sklstm, Keras and skops write are short.
_MAX_DIRECTORY_ENTRY_BYTES = 512
# What a damaged or crafted zip makes zipfile raise while reading it.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    struct.error,
    OverflowError,
    UnicodeDecodeError,
)


def open_file(path, what):
    """``path`` opened for reading in binary mode, if it is a regular file.

    A FIFO, a device or a directory is refused with a ``ValueError`` before
    anything is read from it (a FIFO is opened without waiting for a writer).
    A missing file stays ``FileNotFoundError``.
    """
    descriptor = os.open(
        path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        kind = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(kind):
            raise ValueError(
                f"{what}: it is not a regular file (a directory, device, FIFO or socket)."
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def write_atomically(path, write):
    """A zip archive filled by ``write(archive)`` at ``path``, replacing it in one step."""
    path = os.fspath(path)
    if os.path.islink(path):  # replace the file the link points to, keep the link
        path = os.path.realpath(path)
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.urandom(8).hex()}.tmp")
    try:  # a file replaced keeps its permissions
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    # O_EXCL: never write through an existing file or link; 0o666 honours the
    # umask; O_BINARY (Windows only) keeps bytes as they are.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666 if mode is None else mode & 0o666)
    try:
        if mode is not None:  # exactly, whatever the umask (before any byte is written)
            os.chmod(temporary, mode)
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                write(archive)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder):
    """Flush the rename to disk (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def open_zip(file, members, what):
    """``file`` as a ``ZipFile`` holding exactly ``members``; ValueError otherwise.

    A few entries more are parsed, so that the message can name them.
    """
    archive = open_bounded_zip(file, 4 * len(members), f"the members {members}", what)
    names = archive.namelist()
    if sorted(names) != sorted(members):
        archive.close()
        raise ValueError(f"{what}: expected the members {members}, found {sorted(names)}.")
    return archive


def open_bounded_zip(file, max_entries, expected, what):
    """``file`` as a ``ZipFile`` of at most ``max_entries`` entries; ValueError otherwise.

    :mod:`zipfile` ignores the entry count of the end record: it parses as
    many entries as the central directory's size holds. So that size is
    bounded before :mod:`zipfile` reads the directory (sklstm never writes a
    zip64 end record, which would give another size), and the entries
    :mod:`zipfile` built are counted after.
    """
    file.seek(0, os.SEEK_END)
    size = file.tell()
    if size < 22:
        raise ValueError(f"{what}: it is not a zip archive.")
    file.seek(size - 22)
    signature, _, _, _, _, directory_bytes, _, comment = struct.unpack("<4s4H2LH", file.read(22))
    zip64 = False
    if size >= 42:
        file.seek(size - 42)
        zip64 = file.read(4) == b"PK\x06\x07"
    file.seek(0)
    if signature != b"PK\x05\x06" or comment or zip64:
        raise ValueError(
            f"{what}: it is not a zip archive of {expected} (its end record is not "
            "the last 22 bytes, or it has a comment or a zip64 end record)."
        )
    if directory_bytes > max_entries * _MAX_DIRECTORY_ENTRY_BYTES:
        raise ValueError(
            f"{what}: it is not a zip archive of {expected}: its directory takes "
            f"{directory_bytes} bytes, more than {max_entries} entries need."
        )
    try:
        archive = zipfile.ZipFile(file)
        n_entries = len(archive.infolist())
    except ZIP_ERRORS as error:
        raise ValueError(f"{what}: it is not a valid zip archive ({error}).") from None
    if n_entries > max_entries:
        archive.close()
        raise ValueError(
            f"{what}: it is not a zip archive of {expected}: it has {n_entries} entries."
        )
    return archive


def read_member(archive, name, limit, what):
    """The bytes of member ``name``, refusing more than ``limit`` before inflating.

    The size in the zip directory is checked first, then the member is read
    with ``limit + 1`` as a cap, so a member that inflates beyond what it
    declares is never read whole either.
    """
    info = archive.getinfo(name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(
            f"{what}: {name} uses compression method {info.compress_type}; save_model "
            "writes stored or deflated members only."
        )
    if info.flag_bits & 0x1:
        raise ValueError(f"{what}: {name} is encrypted.")
    expanding = info.file_size > MAX_EXPANSION * max(info.compress_size, 1)
    if info.file_size > limit or (info.file_size > BOMB_FLOOR_BYTES and expanding):
        raise ValueError(
            f"{what}: {name} inflates to {info.file_size} bytes from {info.compress_size}; "
            f"at most {limit} bytes (and {MAX_EXPANSION}x above {BOMB_FLOOR_BYTES}) are "
            "read for the parameters the file stores."
        )
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except ZIP_ERRORS as error:
        raise ValueError(f"{what}: {name} is damaged ({type(error).__name__}: {error}).") from None
    if len(data) > limit:
        raise ValueError(f"{what}: {name} holds more than {limit} bytes.")
    return data


def parse_json(data, what, max_depth=MAX_JSON_DEPTH):
    """JSON with finite numbers, int64 integers, unique keys and at most ``max_depth`` levels."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
            object_pairs_hook=_unique_keys,
        )
    except RecursionError:
        raise ValueError(f"{what} is not valid JSON: it is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and the hooks'
        raise ValueError(f"{what} is not valid JSON: {error}.") from None
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > max_depth:
            raise ValueError(f"{what} is nested more than {max_depth} deep.")
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)
    return value


def _reject_constant(name):
    raise ValueError(f"it holds {name}, which is not a valid value")


def _parse_int(text):
    if len(text.lstrip("-")) > _MAX_INT_DIGITS or not -(2**63) <= int(text) < 2**63:
        raise ValueError(f"the integer {text[:24]}{'...' if len(text) > 24 else ''} is too large")
    return int(text)


def _parse_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:24]} is out of range")
    return value


def _unique_keys(pairs):
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("an object has a key twice")
    return mapping
