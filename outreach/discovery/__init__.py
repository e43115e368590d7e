"""Lead discovery: from an ideal-customer description and seed domains to new leads in a
campaign, with a report of every candidate's outcome. `DiscoveryWorkflow` does the work."""
