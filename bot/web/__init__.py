"""The staff web console, served under /console/ on the product's one HTTP server."""
