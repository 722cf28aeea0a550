"""The words buyers search with, and the words a listing is found by, made the same on both sides.

A listing's words (`listing_words`) are its title, brand, model, processor and system, the usual names of
its category in French and English ("ordinateur portable", "pc portable", "laptop"…), and its specs written
the ways people type them ("16go", "ram16go", "ssd", "512go", "14pouces"). A query (`query_words`) is
folded the same way (case, accents, dashes), its units glued to their numbers ("16 Go", "16gb", "16 g" →
"16go"; "1 To" → "1000go"), its filler words dropped ("de", "pour", "avec"…) and plurals reduced
("portables" → "portable"). Every remaining word must be found in the listing's words; typos are matched by
`shop.catalogue` (trigram similarity on PostgreSQL, the closest known word elsewhere).
"""

import re

from devices.models import Device
from shop.wording import fold

CATEGORY_WORDS = {
    Device.Category.LAPTOP: "ordinateur portable pc portable laptop notebook ultraportable",
    Device.Category.DESKTOP: "ordinateur fixe pc fixe pc de bureau tour unite centrale desktop",
    Device.Category.SCREEN: "ecran moniteur monitor",
    Device.Category.SERVER: "serveur server",
    Device.Category.TABLET: "tablette tablet",
    Device.Category.SMARTPHONE: "telephone smartphone mobile portable",
    Device.Category.OTHER: "accessoire",
}
STORAGE_WORDS = {"ssd": "ssd", "nvme": "nvme ssd", "emmc": "emmc", "hdd": "hdd disque dur"}
FILLER = {
    "a", "au", "aux", "avec", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par", "pas",
    "pour", "sur", "un", "une", "the", "with", "for", "cher", "reconditionne", "reconditionnes", "occasion",
}  # fmt: skip
UNITS = {"go": 1, "gb": 1, "g": 1, "gio": 1, "to": 1000, "tb": 1000, "tio": 1000}
INCHES = ("pouces", "pouce", "inch", "inches", "po")
_NUMBER_UNIT = re.compile(r"\b(\d+(?:[.,]\d+)?) ?(go|gb|gio|g|to|tb|tio)\b")
_NUMBER_INCHES = re.compile(r"\b(\d+(?:[.,]\d+)?) ?(?:pouces?|inch(?:es)?|po|\")")


def _gb(number: str, unit: str) -> str:
    value = float(number.replace(",", ".")) * UNITS[unit]
    return f"{value:g}go"


def _inches(number: str) -> str:
    return f"{float(number.replace(',', '.')):g}pouces"


def normalise(text: str) -> str:
    """Folded text with sizes glued to their units, the same for a query and a listing."""
    text = fold((text or "").replace("″", '"').replace("′′", '"').replace("''", '"'))
    text = _NUMBER_UNIT.sub(lambda m: _gb(m.group(1), m.group(2)), text)
    text = _NUMBER_INCHES.sub(lambda m: _inches(m.group(1)), text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # a dot only inside a number (23.8pouces)
    return re.sub(r"[^\w\".]+", " ", text).strip()


def stem(word: str) -> str:
    """Plural to singular, roughly as French and English write it: "portables" → "portable"."""
    if len(word) > 4 and word.endswith(("s", "x")) and not word[0].isdigit():
        return word[:-1]
    return word


def listing_words(listing) -> str:
    """Every word the listing may be searched by, space-separated (stored as `Listing.search_text`)."""
    parts = [listing.product.title, listing.brand, listing.model_name, listing.cpu, listing.os]
    parts.append(CATEGORY_WORDS.get(listing.category, ""))
    if listing.ram_gb:
        parts += [f"{listing.ram_gb}go", f"ram{listing.ram_gb}go", "ram memoire"]
    if listing.storage_gb:
        parts += [f"{listing.storage_gb}go", STORAGE_WORDS.get(listing.storage_kind, ""), "stockage"]
    if listing.screen_inches:
        parts.append(_inches(str(listing.screen_inches)))
    if listing.grade:
        parts.append(f"grade {listing.grade.lower()}")
    words = normalise(" ".join(str(part) for part in parts if part)).split()
    return " ".join(dict.fromkeys(words))


def query_words(query: str, *, limit: int = 8) -> list[str]:
    """The words a search must find, at most `limit` (the others are ignored)."""
    words = [stem(word) for word in normalise(query).split() if word not in FILLER]
    return list(dict.fromkeys(word for word in words if word))[:limit]
