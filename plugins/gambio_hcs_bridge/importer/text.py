"""Text clean-up before text reaches HCS: double-encoded umlauts, emoji, placeholders, widths."""

from __future__ import annotations

import re
import unicodedata

from gambio_hcs_bridge.messages import Message, message

# UTF-8 bytes of umlauts and other Latin-1 letters read as Windows-1252 give "Ã¼", "Ã¶", "ÃŸ"…
# A lead byte C2/C3 shown as "Â"/"Ã" followed by a continuation byte shown as one of these.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")
_PLACEHOLDERS = {"-", "--", "---", ".", "..", "...", "/", "n/a", "na", "none", "null", "keine", "kein", "k.a.", "0"}

REPLACEMENT_CHARACTER = "\ufffd"


def repair_double_encoding(text: str) -> tuple[str, str]:
    """Undo UTF-8 text that was stored after being decoded as Windows-1252 once.

    Returns ``(text, state)`` where state is "clean", "repaired" (the whole text decoded
    back to valid UTF-8) or "suspect" (it looks double-encoded but does not decode).
    """
    if not _MOJIBAKE.search(text):
        return text, "clean"
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired != text:
            return repaired, "repaired"
    return text, "suspect"


def clean_text(value: object, field: str, messages: list[Message], *, placeholder_empty: bool = False) -> str:
    """Normalise one text field: NFC, repaired encoding, emoji replaced visibly, trimmed."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.isascii():
        # Most shop text is ASCII: already NFC, never double-encoded, no emoji.
        if placeholder_empty and text.casefold() in _PLACEHOLDERS:
            return ""
        return text
    text = unicodedata.normalize("NFC", text).strip()
    text, state = repair_double_encoding(text)
    if state == "repaired":
        messages.append(message("encoding_repaired", field, text))
    elif state == "suspect":
        messages.append(message("encoding_suspect", field, text))

    # A site's HCS database may store no 4-byte UTF-8 (the shop's own tables cannot either),
    # so emoji and other characters outside the Basic Multilingual Plane are replaced visibly.
    if _NON_BMP.search(text):
        text = _NON_BMP.sub(REPLACEMENT_CHARACTER, text)
        messages.append(message("characters_replaced", field, text))

    if placeholder_empty and text.casefold() in _PLACEHOLDERS:
        return ""
    return text


def fit_width(text: str, width: int, field: str, messages: list[Message]) -> str:
    """Shorten ``text`` to ``width`` characters and record a warning when it was longer."""
    if len(text) <= width:
        return text
    shortened = text[:width].rstrip()
    messages.append(message("field_shortened", field, shortened, width=width))
    return shortened


def normalise_key(text: str) -> str:
    """Fold text for matching: case, accents kept, punctuation and spacing removed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("straße", "str").replace("strasse", "str").replace("str.", "str")
    return re.sub(r"[\W_]+", "", folded)
