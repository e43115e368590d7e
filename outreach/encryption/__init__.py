"""Secrets at rest: mailbox passwords and webhook signing secrets are stored encrypted
(AES-256-GCM) under a keyring with key ids, so the key can be rotated.

- `crypto`: the pure part: parsing keys, sealing and opening values (`enc:v1:<kid>:...`).
- `keys`: where the keyring comes from (environment, key file, or the data dir's key).
- `fields`: the encrypted columns, and the one place each is sealed and opened.
- `stored`: what is in the database: the start-up check and the re-encryption that
  `outreach admin rotate-encryption-key` runs.
"""
