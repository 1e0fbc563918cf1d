//! Attacks from network clients on registry-serve: idle and slow connections, huge uploads, upload sessions, password guessing, blob scoping.
