"""Documents in and out: readers for uploaded files, the Markdown export, JSON serialisation and the batch."""
