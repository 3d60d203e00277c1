"""The JSON API (`/api/v1`) for a municipality's own tools: Bearer tokens, its errors as JSON,
its rate limit, the OpenAPI document and the JSON of its objects and figures.

May import: `reporting`, `surveys`, `questionnaires`, `web`, `database`, `util`. Nothing
imports `api` but the app factory and `web.errors`.
"""
