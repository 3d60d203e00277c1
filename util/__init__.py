"""Small helpers that every package may use (dates as Norwegian services see them).

May import: nothing of ours.
"""
