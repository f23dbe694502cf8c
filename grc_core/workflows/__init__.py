"""Workflows as data: definitions, the transition engine, timers and deadlines."""
