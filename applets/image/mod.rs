//! Image commands: listing, import/load/save, tags, inspection, pruning.

pub mod history;
pub mod import;
pub mod inspect;
pub mod load;
pub mod ls;
pub mod prune;
pub mod rmi;
pub mod save;
pub mod tag;
