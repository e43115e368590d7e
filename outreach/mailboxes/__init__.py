"""Sending mailboxes: a workspace's own SMTP accounts, their daily limits, gaps and ramp
(capacity), how a campaign picks one for a new lead (rotation), and when one must stop
sending (health). The pure decisions live in capacity.py, rotation.py and health.py; the
database side in store.py; the API shape in schemas.py."""
