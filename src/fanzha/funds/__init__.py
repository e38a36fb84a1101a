"""Stopping the money: stop-payments and freezes, transaction import, tracing, 断卡."""
