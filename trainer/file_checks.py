"""
loopnet file_checks.py: FIXED (trusted). Static checks of a train file before it runs: a size
cap, no embedded data (long string or number literals), no text copied from the val split.

The val text is public (the default corpus is Python's docs), so a file could carry a lookup
table of it; the sandbox hides the docs, and these checks keep the file itself from being the
table. The diff cap alone does not bound a file: it can grow along a lineage.
"""

import io
import tokenize

# The baseline is ~28 KB; four times that is room for any honest edit.
MAX_FILE_BYTES = 128 * 1024
# A string literal longer than this is data, not code (the baseline's longest is ~400 chars).
MAX_STRING_CHARS = 2048
# Number literals in one file: the baseline has ~150; a table of token ids has thousands.
MAX_NUMBER_LITERALS = 3000
# Any run of >= SHINGLE + STRIDE - 1 bytes shared with val contains one of val's aligned
# shingles. 64 + 32 - 1 = 95 bytes: longer than any line two unrelated texts share by chance,
# short enough that a pasted paragraph cannot hide.
SHINGLE = 64
STRIDE = 32
# Runs of one or two characters (reST underlines, indentation) are shared by any two texts:
# a shingle counts only with this many distinct bytes.
MIN_DISTINCT_BYTES = 12


class FileRejected(Exception):
    """The file breaks a static rule; `reason` names which."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def check_size(data):
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected("file-too-large", f"the train file has {len(data)} bytes (at most {MAX_FILE_BYTES})")


def check_literals(data):
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return  # it will not run either: the crash says why
    numbers = 0
    for tok in tokens:
        if tok.type == tokenize.STRING and len(tok.string) > MAX_STRING_CHARS:
            raise FileRejected(
                "embedded-data",
                f"a string literal of {len(tok.string)} characters at line {tok.start[0]} (at most {MAX_STRING_CHARS})",
            )
        if tok.type == tokenize.NUMBER:
            numbers += 1
    if numbers > MAX_NUMBER_LITERALS:
        raise FileRejected("embedded-data", f"{numbers} number literals (at most {MAX_NUMBER_LITERALS})")


class ValShingles:
    """Aligned byte shingles of the val text: a set lookup per position of a train file."""

    def __init__(self, val_bytes):
        starts = range(0, max(0, len(val_bytes) - SHINGLE + 1), STRIDE)
        self.shingles = {s for s in (val_bytes[i : i + SHINGLE] for i in starts) if len(set(s)) >= MIN_DISTINCT_BYTES}

    def first_match(self, data):
        for i in range(0, len(data) - SHINGLE + 1):
            if data[i : i + SHINGLE] in self.shingles:
                return i
        return None


def check_val_text(data, shingles):
    at = shingles.first_match(data)
    if at is not None:
        line = data[:at].count(b"\n") + 1
        raise FileRejected("val-text", f"the train file holds text of the val split (line {line})")


def check_file(data, shingles):
    check_size(data)
    check_literals(data)
    check_val_text(data, shingles)
