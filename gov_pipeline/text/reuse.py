"""Text reuse between reports: a MinHash signature of each section's word 3-grams (jieba tokens, punctuation and
spaces left out), so that the share of one year's section found in another year's can be estimated in SQL without
keeping the texts side by side (marts.section_reuse).

A signature is K minimum hash values over the section's distinct 3-grams; the signature of several sections
together is their element-wise minimum. For two signatures, the share of equal positions estimates the Jaccard
similarity J of the two 3-gram sets; with their sizes a and b, |A ∩ B| ≈ J (a + b) / (1 + J), and the share of A
found in B is that over a. Pure functions, stable across processes and machines (CRC-32 of the 3-grams, fixed
hash parameters).
"""
from __future__ import annotations

import zlib

import numpy as np

K = 64  # hash functions: the share is estimated within about ±0.06 (1/sqrt(K) at J = 0.5)
N = 3  # words per shingle
_PRIME = np.uint64(4294967311)  # a prime above 2**32: (a * h + b) stays below 2**64
_RNG = np.random.default_rng(20261206)
_A = _RNG.integers(1, 2**32 - 1, size=K, dtype=np.uint64)
_B = _RNG.integers(0, 2**32 - 1, size=K, dtype=np.uint64)


def shingles(tokens: list[str], n: int = N) -> set[int]:
    """CRC-32 of each run of n consecutive words (punctuation and spaces are no words)."""
    words = [t for t in tokens if t.strip() and any(ch.isalnum() for ch in t)]
    if len(words) < n:
        return {zlib.crc32("\x1f".join(words).encode("utf-8"))} if words else set()
    return {zlib.crc32("\x1f".join(words[i:i + n]).encode("utf-8")) for i in range(len(words) - n + 1)}


def signature(hashes: set[int]) -> list[int] | None:
    """The K minimum hash values of a set of shingles; None for an empty set."""
    if not hashes:
        return None
    h = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    return ((h[None, :] * _A[:, None] + _B[:, None]) % _PRIME).min(axis=1).tolist()


def encode(sig: list[int] | None) -> str | None:
    """A signature as stored (core.fact_section.minhash): K integers separated by spaces."""
    return None if sig is None else " ".join(map(str, sig))


def share_found(sig_a: list[int], size_a: int, sig_b: list[int], size_b: int) -> float:
    """Estimated share of A's shingles found in B (what the SQL of marts.section_reuse computes)."""
    j = sum(x == y for x, y in zip(sig_a, sig_b)) / K
    return min(1.0, j * (size_a + size_b) / (1 + j) / size_a) if size_a else 0.0
