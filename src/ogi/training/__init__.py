"""Training-side tools of ogi: the synthetic layout generator and the corpus card."""
