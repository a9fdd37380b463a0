"""A tiny guestbook: the example app of PyApp Server.

It uses only the Python standard library, so it installs without an index.
Everything it needs comes from the environment PyApp Server sets up:
PYAPP_CONFIG_FILE, PYAPP_DATABASE_MAIN_URL, PYAPP_DATA_PATH, PYAPP_VERSION...
"""
