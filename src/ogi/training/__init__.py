"""Training-side code of ogi: configs, the synthetic layout generator, trainers, gold alignment and pre-filling."""
