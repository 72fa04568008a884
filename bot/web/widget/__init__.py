"""The website chat widget: its bundle, config and history routes, the demo page, and CORS.

`install(app)` is the one line the web application needs. The JavaScript source and its build
live beside this file (`build.sh`, `src/`); the web process serves `dist/widget.js`.
"""

from bot.web.widget.routes import install, router

__all__ = ["install", "router"]
