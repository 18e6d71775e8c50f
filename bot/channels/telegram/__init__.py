"""Telegram: python-telegram-bot around the core (updates in, replies and notices out)."""
