//! Regression tests for the container-to-host escapes and the denial-of-
//! service and store-corruption bugs the security audit found (issue 14).
//! Each test performs the attack for real — a hostile image built here, a
//! root process inside the container, an attacking client on loopback — and
//! asserts that it fails and that nothing outside the container or store
//! changed. One module per area, as root and, where it applies, rootless.

#[path = "../common/mod.rs"]
mod common;

mod devices;
mod paths;
mod process;
mod registry;
mod store;
mod tar_headers;
