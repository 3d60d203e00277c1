"""The app's web plumbing, shared by every area: language, security headers, friendly error
pages, rate limits, the masked logs (gunicorn's and the development server's), health
checks, the public pages (front page, privacy, accessibility), and the OpenID Connect client
staff sign in through (its providers from the settings, `oidc_settings`, and the
conversation with them, `oidc_client`).

May import: `database`, `util`, `questionnaires`, `surveys` (models and queries), and
`analytics.numbers` (the pages' number filters round and write through it). Nothing here
imports `respond`, `staff` or `api`, except the error pages asking `api.errors` whether a
request is the API's.
"""
