"""The HTTP face of polywire: a FastAPI app with one router per resource and RFC 9457 problem answers."""
