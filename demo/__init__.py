"""The platform's demo: `manage.py demo` runs each app's demo in order and creates the logins that span apps."""
