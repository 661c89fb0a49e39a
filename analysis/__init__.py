"""The analysis of one article, stage by stage, on the loaded models."""
