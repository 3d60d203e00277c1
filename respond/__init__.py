"""The anonymous answering flow, for the respondent: `/s/<token>` page by page, the
thank-you page, and the follow-up (the code page, its slip, answering again by code).

May import: `surveys` (operations and queries), `questionnaires`, `web`, `database`, `util`.
Nothing imports `respond` but the app factory (and `staff` for paper entry, until that form
moves to `surveys`).
"""
