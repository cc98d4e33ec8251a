"""Use cases: keyword-only functions over an explicit database connection (submit, correct, withdraw,
subscribe, route, report). The web and CLI layers call these; these call domain, store and formats."""
