//! Attacks on the store: malformed archives and configs, kill -9 during rmi/prune, archives that balloon in memory.
