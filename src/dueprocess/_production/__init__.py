"""Stage 3, production: the records a review allows, minimised, with their manifest,
letter and certificate, and the check of a production afterwards."""
