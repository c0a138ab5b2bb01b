"""Language: which language the article is written in (an ISO 639-1 code).

Told by the words every text of a language is full of ("the", "of", "und", "que", "и"), from
jusText's lists of such words, and by script for Chinese, Japanese and Korean, which need no
spaces. The language decides whether the English phrasing rules for people and claims apply.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .prose import word_list
from .records import Body, Found, Page, Registry

# jusText's stop-word lists by their names, for the languages a news archive meets; its lists
# of dialects and constructed languages are left out, as they share most words with these.
_CODES = {
    "Afrikaans": "af", "Albanian": "sq", "Arabic": "ar", "Armenian": "hy", "Azerbaijani": "az", "Basque": "eu",
    "Belarusian": "be", "Bengali": "bn", "Bosnian": "bs", "Bulgarian": "bg", "Catalan": "ca", "Croatian": "hr",
    "Czech": "cs", "Danish": "da", "Dutch": "nl", "English": "en", "Estonian": "et", "Finnish": "fi",
    "French": "fr", "Galician": "gl", "Georgian": "ka", "German": "de", "Greek": "el", "Gujarati": "gu",
    "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is", "Indonesian": "id", "Irish": "ga",
    "Italian": "it", "Kazakh": "kk", "Latvian": "lv", "Lithuanian": "lt", "Macedonian": "mk", "Malay": "ms",
    "Marathi": "mr", "Nepali": "ne", "Norwegian_Bokmal": "nb", "Persian": "fa", "Polish": "pl",
    "Portuguese": "pt", "Romanian": "ro", "Russian": "ru", "Serbian": "sr", "Slovak": "sk", "Slovenian": "sl",
    "Spanish": "es", "Swahili": "sw", "Swedish": "sv", "Tagalog": "tl", "Tamil": "ta", "Telugu": "te",
    "Turkish": "tr", "Ukrainian": "uk", "Urdu": "ur", "Vietnamese": "vi", "Welsh": "cy",
}
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MIN_WORDS = 20  # fewer words than this say too little to tell
_MIN_SHARE = 0.15  # a language's common words make up at least this share of a text in it


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    import justext  # its lists are read once, and only when a capture is added

    lists = {}
    for name, code in _CODES.items():
        words = frozenset(justext.get_stoplist(name))
        # Lists of languages written in other scripts picked up some English words; drop them.
        native = frozenset(w for w in words if not w.isascii())
        lists[code] = native if len(native) > len(words) / 2 else words
    return lists


def identify(text: str) -> tuple[str | None, str]:
    """(ISO 639-1 code or None, the evidence in words)."""
    letters = sum(1 for c in text if c.isalpha()) or 1
    for pattern, code, name in ((_KANA, "ja", "kana"), (_HANGUL, "ko", "Hangul"), (_HAN, "zh", "Chinese characters")):
        share = len(pattern.findall(text)) / letters
        if share >= 0.2:
            return code, f"written in {name} ({share:.0%} of the letters)"
    words = [w.casefold() for w in word_list(text)]
    if len(words) < _MIN_WORDS:
        return None, f"too few words ({len(words)}) to tell the language"
    shares = sorted(((sum(1 for w in words if w in stops) / len(words), code)
                     for code, stops in _stoplists().items()), reverse=True)
    (best, code), (second, _) = shares[0], shares[1]
    if best < _MIN_SHARE:
        return None, f"no language's common words make up {_MIN_SHARE:.0%} of the text"
    return code, f"{best:.0%} of the words are common words of this language (next best {second:.0%})"


def extract_language(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    text = "\n".join(line.text for line in body.paragraphs) or page.text
    code, evidence = identify(text)
    return Found(code, evidence, confident=code is not None)
