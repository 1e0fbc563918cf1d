//! File locks (flock) on files in the store. A lock lives as long as its
//! guard; the kernel drops it when the process dies, so a killed command
//! never leaves a lock behind.

use std::fs::{File, OpenOptions};
use std::path::Path;

use rustix::fs::{flock, FlockOperation};

use crate::error::{Error, IoContext, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    Shared,
    Exclusive,
}

/// A held lock; released on drop.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

fn open_lock(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .at(path)
}

impl LockGuard {
    /// Waits for and takes the lock.
    pub fn acquire(path: &Path, mode: LockMode) -> Result<LockGuard> {
        let file = open_lock(path)?;
        let op = match mode {
            LockMode::Shared => FlockOperation::LockShared,
            LockMode::Exclusive => FlockOperation::LockExclusive,
        };
        loop {
            match flock(&file, op) {
                Ok(()) => return Ok(LockGuard { _file: file }),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(Error::io(path, e.into())),
            }
        }
    }

    /// Takes the lock if nobody holds a conflicting one, else returns None.
    pub fn try_acquire(path: &Path, mode: LockMode) -> Result<Option<LockGuard>> {
        let file = open_lock(path)?;
        let op = match mode {
            LockMode::Shared => FlockOperation::NonBlockingLockShared,
            LockMode::Exclusive => FlockOperation::NonBlockingLockExclusive,
        };
        match flock(&file, op) {
            Ok(()) => Ok(Some(LockGuard { _file: file })),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(Error::io(path, e.into())),
        }
    }
}
