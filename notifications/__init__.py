"""Mail to staff: the weekly digest (issue 17), made and sent by `flask --app app
send-digests`, run by cron.

`settings` reads the SMTP settings and the public address for links from the app's config
(set from the environment in `app.py`); `messages` makes one account's mail, plain text and
HTML from the templates in `templates/mail/`, in the account's language; `sending` sends it
with the standard library's smtplib, one recipient's failure never stopping the others, and
`cli` is the command. What a digest says is read in `reporting.digest`; who asked for it,
and the unsubscribe link's token, are in `surveys.digest_settings`.

May import: `reporting` (what a digest says), `surveys`, `questionnaires`, `analytics`,
`web` (the number and date filters), `database`, `util`. Nothing imports `notifications` but
the app factory, which registers the command.
"""
