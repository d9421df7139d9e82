"""Many shops at once (outsourcing firms): a portfolio of shop scenarios, each shop's comparison through the one
comparison path, stored in DuckDB, rolled up for the firm (docs/portfolio.md). The package face imports nothing."""
