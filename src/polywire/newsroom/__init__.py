"""The public newsroom: HTML pages of released items (lists per language, item pages, search) for readers.

``pages.router`` is mounted by ``web.app`` after every API router, so that its ``/{lang}/`` paths never shadow
them. Templates, the stylesheet and the IPTC Media Topics labels are package data.
"""

from polywire.newsroom.pages import router

__all__ = ["router"]
