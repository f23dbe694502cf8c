"""Health, metrics and logs for operating GRC: see docs/deployment.md."""
