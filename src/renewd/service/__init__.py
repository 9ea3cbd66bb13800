"""The service layer: the composition root, the daemon and the delivery pass."""
