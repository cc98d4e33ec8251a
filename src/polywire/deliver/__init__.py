"""Delivery: the outbox, its runners, retry policy and channels."""
