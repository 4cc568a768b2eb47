"""Exact and near copies among many short texts, in linear time.

Exact copies share a normalised text (one dict). Near copies are texts whose
sets of character bigrams have a Jaccard similarity of at least ``threshold``.
Comparing every pair is out of the question for a county register (74,000
risks, 2.7 billion pairs), so candidates come from locality-sensitive
hashing: a MinHash signature of ``BANDS × ROWS`` values per text (one
permutation hashing: each bigram is hashed once and falls in one bin), cut
into bands; texts sharing a band are compared exactly. A pair at 0.8 becomes
a candidate with probability 1 − (1 − 0.8⁵)⁷ ≈ 0.94, at 0.9 with 0.998. The
hash is a fixed function of the characters, so every run finds the same copies.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import pairwise

ROWS = 5  # values per band: fewer accidental candidates
BANDS = 7  # bands: more chances for a true pair
BINS = ROWS * BANDS
# Each probe compares at most this many earlier texts and a bucket keeps at most
# this many members: a register of thousands of alike texts stays linear, and
# in a cluster of copies the first member compared is already a match.
MAX_CANDIDATES = 10
MAX_BUCKET = 32


@dataclass(frozen=True, slots=True)
class Copy:
    index: int  # the later text (in input order)
    original: int  # the earlier text it copies
    similarity: float  # 1.0 for an exact copy (after normalisation)


def sketch(text: str) -> tuple[list[int], tuple[int, ...]]:
    """The text's distinct hashed character bigrams, and its MinHash signature (one permutation hashing).

    A bigram's hash is the hash of its pair of code points: computed in C, and
    the same in every run (unlike a ``str`` hash, integers and tuples of them
    are not salted). A bin keeps its smallest hash; an empty bin borrows its
    right neighbour's (Shrivastava & Li 2014), so short texts still fill every band.
    """
    codes = list(map(ord, text))
    hashes = sorted(set(map(hash, pairwise(codes))), reverse=True)
    mins = {h % BINS: h for h in hashes}  # descending order: the last write is each bin's smallest
    if len(mins) < BINS and mins:
        genuine = dict(mins)
        for slot in range(BINS):
            if slot not in genuine:
                step = 1
                while (slot + step) % BINS not in genuine:
                    step += 1
                mins[slot] = genuine[(slot + step) % BINS] + (step << 64)
    return hashes, tuple(mins.get(slot, 0) for slot in range(BINS))


def find_copies(texts: list[str], *, threshold: float = 0.8, min_length: int = 10) -> list[Copy]:
    """Each text that copies an earlier one, exactly or nearly; ``texts`` are already normalised.

    Texts shorter than ``min_length`` are compared exactly only: short texts look alike by chance.
    """
    copies: list[Copy] = []
    first_of: dict[str, int] = {}
    # Compact on purpose (a county has 74,000 texts): each text's bigram hashes as
    # an array, each band as one integer key, a bucket of one as a bare index.
    grams_of: dict[int, array] = {}
    buckets: dict[int, int | list[int]] = {}
    for i, text in enumerate(texts):
        earlier = first_of.get(text)
        if earlier is not None:
            copies.append(Copy(i, earlier, 1.0))
            continue
        first_of[text] = i
        if len(text) < min_length:
            continue
        hashes, signature = sketch(text)
        grams = set(hashes)
        keys = [hash((band, *signature[band * ROWS:(band + 1) * ROWS])) for band in range(BANDS)]
        match: Copy | None = None
        compared: set[int] = set()
        for key in keys:
            members = buckets.get(key)
            for other in () if members is None else members if isinstance(members, list) else (members,):
                if other in compared:
                    continue
                compared.add(other)
                other_grams = grams_of[other]
                common = len(grams.intersection(other_grams))
                similarity = common / (len(grams) + len(other_grams) - common)
                if similarity >= threshold:
                    match = Copy(i, other, similarity)
                    break
                if len(compared) >= MAX_CANDIDATES:
                    break
            if match is not None or len(compared) >= MAX_CANDIDATES:
                break
        if match is not None:
            copies.append(match)
        grams_of[i] = array("q", hashes)
        for key in keys:
            members = buckets.get(key)
            if members is None:
                buckets[key] = i
            elif not isinstance(members, list):
                buckets[key] = [members, i]
            elif len(members) < MAX_BUCKET:
                members.append(i)
    return copies
