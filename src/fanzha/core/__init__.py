"""Platform core: configuration, database sessions, errors, time, masking and auth.

Capabilities (warnings, cases, funds, detect, bulletins, web) build on this package
and on the jurisdiction, accounts and audit packages; they never import each other's
tables, only each other's service functions.
"""
