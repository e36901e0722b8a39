//! Snapshots of representative expansions, so reviewers see generated code change.
