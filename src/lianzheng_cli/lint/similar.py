"""Exact and near copies among many short texts, in linear time.

Exact copies share a normalised text (one dict). Near copies are texts whose
sets of character bigrams have a Jaccard similarity of at least ``threshold``.
Comparing every pair is out of the question for a county register (74,000
risks, 2.7 billion pairs), so candidates come from locality-sensitive
hashing, vectorised with numpy: each text's bigrams are hashed once and fall
in one of ``BANDS × ROWS`` bins (one permutation MinHash; an empty bin borrows
its right neighbour's value, Shrivastava & Li 2014), the bins are cut into
bands, and texts sharing a band are candidates. A pair at 0.8 becomes a
candidate with probability 1 − (1 − 0.8⁴)¹⁰ ≈ 0.99, at 0.9 with 0.9999.
Candidates whose signatures agree in too few bins to be near copies are
dropped; the rest are compared exactly, on their bigram sets, so every copy
reported is one. The hash is a fixed function of the characters, so every run
finds the same copies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import add
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: every lz command would pay for it at start-up otherwise
    import numpy as np

ROWS = 4  # values per band: fewer accidental candidates
BANDS = 10  # bands: more chances for a true pair
BINS = ROWS * BANDS
# A text is paired with at most this many of the earliest texts sharing a band with it, and compared exactly
# with at most this many candidates: a register of thousands of alike texts stays linear, and in a cluster of
# copies the first member compared is already a match.
MAX_CANDIDATES = 10
# Candidates whose signatures agree in fewer bins than this share are not compared exactly: the share estimates
# the Jaccard similarity (± 0.06 at 0.8 with 40 bins), so a near copy is never below it.
MIN_AGREEMENT = 0.6
_EMPTY = 0xFFFF_FFFF_FFFF_FFFF  # an empty bin: above every hash
CHUNK = 1 << 18  # characters hashed at a time
# Bigram sets kept for texts compared again (a popular original): at most this many at a time (each takes ~6 KB;
# a county's 17,000 texts compared exactly held 96 MB).
GRAMS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Copy:
    index: int  # the later text (in input order)
    original: int  # the earlier text it copies
    similarity: float  # 1.0 for an exact copy (after normalisation)


@dataclass(slots=True)
class Work:
    """How much a search did: the measure of its growth (tests pin it as the input doubles)."""

    candidates: int = 0  # pairs sharing a band
    compared: int = 0  # pairs compared exactly


def find_copies(texts: list[str], *, threshold: float = 0.8, min_length: int = 10, work: Work | None = None,
                signatures: Sequence[bytes] | None = None) -> list[Copy]:
    """Each text that copies an earlier one, exactly or nearly; ``texts`` are already normalised.

    Texts shorter than ``min_length`` are compared exactly only: short texts look alike by chance. A near copy
    names the earliest text it is found to copy. ``signatures``: ``signature_bytes`` of ``texts``, in pieces
    (of consecutive texts, such as each file's), when kept from before (most of the search's work).
    """
    copies: list[Copy] = []
    first_of: dict[str, int] = {}
    probed: list[int] = []  # the first text of each distinct normalised text long enough to compare
    for i, text in enumerate(texts):
        earlier = first_of.get(text)
        if earlier is not None:
            copies.append(Copy(i, earlier, 1.0))
            continue
        first_of[text] = i
        if len(text) >= min_length:
            probed.append(i)
    if len(probed) > 1:
        chosen = [texts[i] for i in probed]
        grams: dict[int, frozenset[str]] = {}

        def bigrams(k: int) -> frozenset[str]:
            found = grams.get(k)
            if found is None:
                if len(grams) >= GRAMS_KEPT:
                    grams.clear()
                text = chosen[k]
                found = grams[k] = frozenset(map(add, text, text[1:]))  # its character pairs
            return found

        table = _signatures(chosen) if signatures is None else _rows(signatures, probed)
        for k, other, similarity in _near(table, threshold, bigrams, work or Work()):
            copies.append(Copy(probed[k], probed[other], similarity))
    copies.sort(key=lambda c: c.index)
    return copies


def _rows(pieces: Sequence[bytes], wanted: list[int]) -> np.ndarray:
    """The signatures of the texts ``wanted`` (indexes, ascending) from the signatures of all, in pieces: copied
    once, piece by piece (not joined first)."""
    import numpy as np

    rows = np.empty((len(wanted), BINS), dtype=np.uint64)
    wanted_at = np.asarray(wanted, dtype=np.int64)
    start = 0
    for piece in pieces:
        table = np.frombuffer(piece, dtype=np.uint64).reshape(-1, BINS)
        low, high = np.searchsorted(wanted_at, (start, start + len(table)))
        rows[low:high] = table[wanted_at[low:high] - start]
        start += len(table)
    return rows


def _near(signatures: np.ndarray, threshold: float, bigrams, work: Work) -> Iterator[tuple[int, int, float]]:
    """``(k, earlier, similarity)`` for each text that nearly copies an earlier one (indexes into the rows of
    ``signatures``; ``bigrams(k)`` gives a text's character pairs)."""
    import numpy as np

    later, earlier = _candidates(signatures)
    work.candidates += len(later)
    if not len(later):
        return
    agree = np.empty(len(later), dtype=np.float32)
    short = (signatures >> np.uint64(32)).astype(np.uint32)  # half the bytes; an accidental equality is rare
    for start in range(0, len(later), 1 << 16):  # in slices: a pair's two signatures are BINS values each
        part = slice(start, start + (1 << 16))
        agree[part] = (short[later[part]] == short[earlier[part]]).mean(axis=1)
    keep = agree >= MIN_AGREEMENT
    later, earlier, agree = later[keep], earlier[keep], agree[keep]
    order = np.lexsort((earlier, -agree, later))  # each text's candidates together, likeliest first
    tried: dict[int, int] = {}
    done: set[int] = set()
    for k, other in zip(later[order].tolist(), earlier[order].tolist(), strict=True):
        if k in done or tried.get(k, 0) >= MAX_CANDIDATES:
            continue
        tried[k] = tried.get(k, 0) + 1
        work.compared += 1
        mine, theirs = bigrams(k), bigrams(other)
        common = len(mine & theirs)
        similarity = common / (len(mine) + len(theirs) - common)
        if similarity >= threshold:
            done.add(k)
            yield k, other, similarity


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed, well-spread 64-bit hash of each value (wrapping arithmetic)."""
    import numpy as np

    return _mix_in_place(values.copy(), np.empty_like(values))


def _mix_in_place(values: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``_mix`` written into ``values`` (``scratch``: an array of its shape): no temporary arrays (each fresh
    array of a county's 4 million bigrams costs as much in page faults as the arithmetic)."""
    import numpy as np

    for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        np.right_shift(values, np.uint64(shift), out=scratch)
        values ^= scratch
        values *= np.uint64(factor)
    np.right_shift(values, np.uint64(31), out=scratch)
    values ^= scratch
    return values


def signature_bytes(texts: list[str]) -> bytes:
    """The MinHash signatures of ``texts`` (normalised), as ``find_copies`` takes them from before."""
    return _signatures(texts).tobytes()


def _signatures(texts: list[str]) -> np.ndarray:
    """Each text's MinHash signature (``len(texts) × BINS``), from its character bigrams' hashes."""
    import numpy as np

    flat = np.full(len(texts) * BINS, np.uint64(_EMPTY), dtype=np.uint64)
    start = 0
    while start < len(texts):  # texts of about CHUNK characters at a time: small arrays, reused memory
        end, size = start + 1, len(texts[start])
        while end < len(texts) and size < CHUNK:
            size += len(texts[end])
            end += 1
        part = texts[start:end]
        lengths = np.fromiter(map(len, part), dtype=np.int64, count=len(part))
        codes = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(start, end, dtype=np.int64), lengths)
        pair = owner[:-1] == owner[1:]  # a bigram lies within one text
        hashes = codes[:-1] << np.uint64(21)
        hashes |= codes[1:]
        hashes = _mix_in_place(hashes, np.empty_like(hashes))[pair]
        slot = owner[:-1][pair]
        slot *= BINS
        slot += _remainder(hashes, BINS)
        np.minimum.at(flat, slot, hashes)
        start = end
    signatures = flat.reshape(len(texts), BINS)
    # An empty bin takes the next filled bin's value (cyclically), mixed with how far it borrowed: the next filled
    # column found from the right, one column at a time over every text (twice round, for the wrap).
    filled = signatures != np.uint64(_EMPTY)
    if not filled.all():
        nearest = np.empty((len(texts), BINS), dtype=np.int64)
        current = np.full(len(texts), 2 * BINS, dtype=np.int64)
        for column in range(2 * BINS - 1, -1, -1):
            current = np.where(filled[:, column % BINS], column, current)
            if column < BINS:
                nearest[:, column] = current
        borrowed = np.take_along_axis(signatures, nearest % BINS, axis=1)
        step = (nearest - np.arange(BINS)).astype(np.uint64)
        signatures = np.where(filled, signatures, _mix(borrowed + step))
    return signatures


def _remainder(values: np.ndarray, divisor: int) -> np.ndarray:
    """``values % divisor`` for 64-bit unsigned values and a small divisor, as int64: from the two 32-bit
    halves (2³² ≡ 2³² mod divisor), in signed arithmetic, which numpy divides ten times faster than unsigned."""
    import numpy as np

    low = (values & np.uint64(0xFFFF_FFFF)).view(np.int64)
    result = (values >> np.uint64(32)).view(np.int64)
    result *= (1 << 32) % divisor
    result += low
    result %= divisor
    return result


def _candidates(signatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(later, earlier)`` of texts sharing a band: each text with the earliest ``MAX_CANDIDATES`` texts
    of each band bucket it falls in; each pair once."""
    import numpy as np

    count = len(signatures)
    pairs = []
    for band in range(BANDS):
        key = np.full(count, np.uint64(band), dtype=np.uint64)
        for row in range(ROWS):
            key = _mix(key ^ signatures[:, band + row * BANDS])  # bins apart: a borrowed value fills neighbours
        order = np.argsort(key, kind="stable")  # by key, then by text
        ordered = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        group = np.repeat(starts, np.diff(np.append(starts, count)))  # each position's group start
        position = np.arange(count) - group
        for q in range(MAX_CANDIDATES):
            member = position > q
            if not member.any():
                break
            pairs.append(order[member] * count + order[group[member] + q])
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    unique = np.sort(np.concatenate(pairs))
    unique = unique[np.concatenate(([True], unique[1:] != unique[:-1]))]
    return unique // count, unique % count
