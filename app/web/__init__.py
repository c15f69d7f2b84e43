"""The Flask glue every page shares: language by URL, security headers and rate limits, caching
headers and the page cache, and the template filters and labels."""
