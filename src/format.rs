//! `--format` output: Docker's Go-template subset (`{{.Field}}`, `{{json .}}`,
//! `table ...`) over JSON values. See `format::template` for the engine.

pub mod template;

pub use template::{render, Template};
