"""Webhook deliveries: the pure parts both the workflow and the activities use.

policy     the retry schedule and what a receiver's answer means (workflow-safe)
signing    secrets, the envelope, `X-PMS-Signature` and the Standard Webhooks headers
guard      which URLs may receive deliveries (the address checks are outreach.netguard)
transport  the HTTP POST: connects only to checked addresses, caps time and body size
"""
