"""The workspace's suppression list: addresses and domains that are never mailed."""
