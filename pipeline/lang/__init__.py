"""Everything language-specific, each once: English, Korean, transliteration, numbers."""
