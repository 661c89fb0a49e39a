"""The neural models and their engines: loading, the seq2seq interface and engines, translator, summarizer, NER."""
