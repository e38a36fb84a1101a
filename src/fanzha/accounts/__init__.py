"""People, roles, login sessions and API keys for machine clients.

A request is made either by a person (cookie session, CSRF-checked on writes) or by a
machine client (``Authorization: Bearer fz_…``). Both become a ``Principal`` carrying
permissions and a jurisdiction scope; every endpoint checks both.
"""
