"""Analytics: aggregation, suppression of small groups, charts and exports."""
