"""Stage 2, review: the request checked against the law and the policy, finding by finding."""
