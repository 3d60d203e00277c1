"""Surveys: organisations, surveys and their links, responses, and the answering flow."""
