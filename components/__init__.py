"""Streamlit panels and the pure HTML renderers they use. Panels render what they are handed; none loads a model."""
