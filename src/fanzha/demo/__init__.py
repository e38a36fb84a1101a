"""A realistic, deterministic demo city. Capabilities add their own data as steps."""
