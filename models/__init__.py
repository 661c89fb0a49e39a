"""Khulasa's analysis core: text processing and model inference, with no Streamlit in it."""
