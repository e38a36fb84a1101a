"""Append-only, hash-chained audit trail of every write and every full read of personal data.

Each row stores the hash of the previous row, and its own hash covers its content and
that link. Editing a row breaks its own hash; deleting one breaks the next row's link.
``fanzha audit verify`` walks the chain and names the first broken row.
"""
