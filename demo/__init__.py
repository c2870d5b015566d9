"""Gradio UI."""
