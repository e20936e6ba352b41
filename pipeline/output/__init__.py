"""Study sheets and export formats, written from stored data."""
