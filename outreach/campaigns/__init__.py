"""Campaigns: their sending settings, their sequence of steps and their status."""
