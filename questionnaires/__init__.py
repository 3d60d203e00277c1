"""Questionnaires: the definition schema, the loader, the form builder and scoring."""
