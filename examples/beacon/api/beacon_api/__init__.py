"""Beacon's notifications API: validates notification requests and queues them for the worker."""
