"""A campaign's autopilot: every day on its own schedule (and on demand) it discovers new
leads up to a daily quota, enriches and enrols them, and drafts answers to the replies
that need one. It never sends a drafted answer."""
