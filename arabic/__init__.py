"""Arabic text, pure Python: normalisation and letter classes, segmentation, language check, entity grouping."""
