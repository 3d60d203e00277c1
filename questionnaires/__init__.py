"""Questionnaires: the definition schema, the loader, stored versions, the item types, the
form builder, scoring and how an item is shown.

May import: `database`, `util`. Never `surveys`, `reporting` or a view.
"""
