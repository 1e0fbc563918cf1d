//! Attacks from processes: /proc/<pid>/exe of the host binary during exec, TIOCSTI on the caller's terminal, leaked descriptors.
