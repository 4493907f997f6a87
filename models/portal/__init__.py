"""portal.

Importing it registers the portal sign-in as what follows a customer's billing email
(models/portal/sign_in_email.py, through models.customers.on_billing_email_change)."""

from models.portal import sign_in_email  # noqa: F401  (registers on import)
