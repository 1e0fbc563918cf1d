//! Attacks through the device cgroup and seccomp: mknod of host devices, syscalls Docker's profile refuses.
