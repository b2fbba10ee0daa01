"""The planners: one function per event the notifier tells people of, by the service that produces it.

Each module only defines functions; `notifications/catalogue.py` keys them by payload class.
"""
