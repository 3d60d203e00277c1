"""Small helpers that every package may use (dates as Norwegian services see them, the
app's secret key).

May import: nothing of ours.
"""
