//! Container commands: `run` (and, as they land, create, start, ps, rm...).

pub mod run;
