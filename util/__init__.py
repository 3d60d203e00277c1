"""Small helpers that every package may use (dates as Norwegian services see them, the
app's secret key, the languages the code knows, the check of a `next` address).

May import: nothing of ours.
"""
