"""Stages compute: data in, data out. None of them opens notes.db or prints."""
