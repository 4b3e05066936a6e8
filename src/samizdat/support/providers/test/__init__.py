"""`test`: a built-in provider for the demo and the tests. No money moves.

Continue leads to our own checkout page (/support/test-checkout/<token>/), where the reader (or a
test) chooses what happens: the payment succeeds, the card is declined, or they cancel. Success
produces the same events a real provider's webhooks would, through the same code.
"""
