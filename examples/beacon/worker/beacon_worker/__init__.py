"""Beacon's worker: delivers queued notifications, retrying transient failures."""
