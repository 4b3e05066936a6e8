"""`manual`: bank transfer and cryptocurrency. The reader sees our details (with a QR code for each
address), sends the money themselves and tells us how much they sent; staff confirm the gift in
the admin when it arrives. One-off gifts only: a standing order is set up at the reader's bank."""
