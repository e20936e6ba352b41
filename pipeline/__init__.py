"""readnotes: bilingual reading notes for English articles and their Korean translations."""

__version__ = "0.1.0"
