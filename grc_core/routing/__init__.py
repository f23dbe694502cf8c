"""Routing: where a new request goes (service, priority, assignee), and why."""
