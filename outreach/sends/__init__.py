"""Sends (one email step for one lead) and channel touches (a LinkedIn / Twitter step)."""
