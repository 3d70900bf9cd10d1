"""Streams from the engine: the cancellable reader, and pure decoders of what they carry."""
