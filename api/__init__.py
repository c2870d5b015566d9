"""REST API (FastAPI) over the same functions the UI and the agent call."""
