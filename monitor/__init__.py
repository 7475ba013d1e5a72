"""What ops watch: one status summary for ``kefu status`` and the bot's ``/status`` (the broker's
queues from RabbitMQ's management API, tickets and processes from the worker), and the alert
rules and incident book behind the ops chat's alerts.

Shared by the ``kefu`` CLI (``ops/``) and the bot (``bot/ops/``); it imports ``bus`` and
``shop`` only, never the worker, the bot or a database.
"""
