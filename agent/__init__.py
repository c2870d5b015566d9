"""LLM backends, the ReAct agent, the router and the prompts."""
