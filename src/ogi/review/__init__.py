"""``ogi review``: check and correct a tagged batch in the browser; corrections become training data.

:mod:`ogi.review.store` holds the batch and the corrections, :mod:`ogi.review.app` the Flask app,
:mod:`ogi.review.layout` the template tables, :mod:`ogi.review.spans` the spaCy ``Doc`` view and export.
"""
