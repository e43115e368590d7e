"""The contract's per-workspace sliding-window limits on the assistive actions."""
