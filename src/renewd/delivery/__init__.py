"""The delivery pipeline: a pass claims what is due, writes it through the channels, records it."""
