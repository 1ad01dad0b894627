"""The two source documents, cited by title, author, year and section."""

from __future__ import annotations

from .claims import Source

__all__ = ["ko", "miranda", "KO_TITLE", "MIRANDA_TITLE", "document_position"]

KO_TITLE = "Scientific Machine Learning 04: Cross-Entropy, Softmax, and Negative Log-Likelihood"
MIRANDA_TITLE = "Understanding softmax and the negative log-likelihood"

KO_SECTIONS = {
    1: "1 A quick motivation: where the slowdown comes from",
    2: "2 Cross-entropy with a sigmoid",
    3: "3 Softmax Activation Function",
    4: "4 Negative log-likelihood (NLL) cost function",
}


def ko(section: int, sub: str = "") -> Source:
    """Donghyun Ko (2026), section ``section`` (1-4), optionally a named paragraph."""
    name = KO_SECTIONS[section] + (f" / {sub}" if sub else "")
    return Source(document=KO_TITLE, author="Donghyun Ko", year=2026, section=name)


def miranda(section: str) -> Source:
    """Lester James Miranda (2017), a section heading of the post."""
    return Source(document=MIRANDA_TITLE, author="Lester James Miranda", year=2017, section=section)


MIRANDA_SECTIONS = ("Softmax Activation Function", "Negative Log-Likelihood (NLL)",
                    "Derivative of the Softmax")


def document_position(source) -> tuple:
    """(document, section) ranks: Ko 2026 sections 1-4, then Miranda 2017's three headings.

    The catalog (:func:`derivations.catalog`) sorts by this key, then by the rank of the
    claim's family in :data:`derivations.FAMILIES`, keeping each family's own order within a
    section; a family may hold claims of several sections.
    """
    if source.document == KO_TITLE:
        head = source.section.split(" ", 1)[0]
        return (0, int(head) if head.isdigit() else 99)
    if source.document == MIRANDA_TITLE:
        name = source.section.split(" / ", 1)[0]
        return (1, MIRANDA_SECTIONS.index(name) if name in MIRANDA_SECTIONS else 99)
    return (2, 0)
