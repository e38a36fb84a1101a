"""Residents' trust: verification codes for outbound contacts, the register of official numbers,
the SMS templates that carry the codes, and the public pages that answer both."""
