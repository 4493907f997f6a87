"""Characters that never belong in stored text, in one place for validation and pastes."""

import re

# C0 (tab and newline too), DEL, C1, Arabic letter mark, zero-width characters, LRM/RLM,
# line and paragraph separators, bidi embeddings and isolates, word joiner, BOM,
# and lone surrogates (undecodable bytes), none of which belong in a customer record.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)
