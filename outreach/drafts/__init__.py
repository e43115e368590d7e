"""Reply drafts: suggested answers to replies, and sending them in the thread."""
