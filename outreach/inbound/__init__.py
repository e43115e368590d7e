"""Inbound mail: replies and delivery status reports, from the API or an IMAP mailbox.

message.py   raw RFC 5322 bytes -> the facts we store (pure, capped, database-safe)
dsn.py       delivery status reports and mailer-daemon bounces (pure)
store.py     one parsed message -> one `Reply` row (own mail skipped, duplicates found)
matching.py  which lead a reply or a bounce belongs to
effects.py   what each classifier label does to the lead's workflow (pure)
imap.py      a blocking IMAP client (imaplib), run in threads by sync.py
sync.py      one mailbox sync: UIDVALIDITY / UID bookkeeping, nothing ingested twice
schedules.py the per-mailbox Temporal schedule
contracts.py workflow names, ids and the dataclasses workflows and activities exchange
"""
