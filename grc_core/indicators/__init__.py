"""Indicators and dashboards: declared computations (core and plugins),
periods and filters, who sees which figure, the dashboards that show them."""
