"""Evaluations on public corpora: `python -m eval.arabic` scores the Arabic text functions (see EVALUATION.md)."""
