"""Text as custdesk reads it: characters, folding, pasted text, lookalike addresses."""
