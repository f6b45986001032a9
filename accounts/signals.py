from django.dispatch import Signal

# Sent on commit after a user's password changed or was reset (keyword argument: user). The
# chat closes the user's sockets with a code that tells the page to reconnect (the session that
# made the change stays valid; the others no longer authenticate). Accounts sits below chat in
# the import ladder, so it announces instead of calling.
password_changed = Signal()
