"""Analytical CRM: monitoring, forecasts, propensity and the channel plan (issue 11); pure core."""
