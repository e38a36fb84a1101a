"""Prevention console pages and the public alert channel."""
