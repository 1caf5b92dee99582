"""The scheduled jobs: they compose several capabilities (complaints, duty, the mail outbox), like home and admin."""
