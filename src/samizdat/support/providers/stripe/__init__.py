"""`stripe`: cards, wallets and bank debits through Stripe Checkout (provider.py), its signed
webhooks (webhooks.py, payloads.py), its settings (conf.py) and `samizdat check`'s warning when
the webhook secret is missing (checks.py)."""
