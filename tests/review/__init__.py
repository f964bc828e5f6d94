"""Review: the rules, the policy, the invariants over every request, the example cases' reviews."""
