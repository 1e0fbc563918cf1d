//! `attach`'s input side: what the user types goes to a detached `-i`
//! container through its stdin FIFO (see `monitor`), until the detach
//! sequence (Docker's ctrl-p ctrl-q, or `--detach-keys`) is typed.

use std::io::{Read, Write};

use crate::error::{Error, Result};

/// Parses Docker's `--detach-keys` syntax: `ctrl-p,ctrl-q`, `a`, `ctrl-@`...
pub fn parse_detach_keys(spec: &str) -> Result<Vec<u8>> {
    spec.split(',')
        .map(|k| {
            let bad = || Error::Invalid(format!("invalid detach keys {spec:?}: {k:?}"));
            match k.strip_prefix("ctrl-") {
                Some(c) if c.len() == 1 => {
                    let c = c.as_bytes()[0].to_ascii_lowercase();
                    match c {
                        b'a'..=b'z' => Ok(c - b'a' + 1),
                        b'@' => Ok(0),
                        b'[' => Ok(27),
                        b'\\' => Ok(28),
                        b']' => Ok(29),
                        b'^' => Ok(30),
                        b'_' => Ok(31),
                        _ => Err(bad()),
                    }
                }
                None if k.len() == 1 => Ok(k.as_bytes()[0]),
                _ => Err(bad()),
            }
        })
        .collect()
}

/// How an input relay ended.
#[derive(Debug, PartialEq, Eq)]
pub enum InputEnd {
    /// The detach sequence was typed.
    Detached,
    /// Our input ended (or the container went away).
    Closed,
}

/// Copies `input` to `fifo` until end of input or the detach sequence
/// `keys`. Bytes that start the sequence but do not finish it are passed on.
pub fn relay_input(mut input: impl Read, mut fifo: impl Write, keys: &[u8]) -> InputEnd {
    let mut buf = [0u8; 4096];
    let mut matched = 0;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => return InputEnd::Closed,
            Ok(n) => n,
        };
        let mut out = Vec::with_capacity(n);
        for &b in &buf[..n] {
            if !keys.is_empty() && b == keys[matched] {
                matched += 1;
                if matched == keys.len() {
                    let _ = fifo.write_all(&out);
                    return InputEnd::Detached;
                }
                continue;
            }
            out.extend_from_slice(&keys[..matched]);
            matched = 0;
            out.push(b);
        }
        if fifo.write_all(&out).is_err() {
            return InputEnd::Closed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_relay() {
        assert_eq!(parse_detach_keys("ctrl-p,ctrl-q").unwrap(), [16, 17]);
        assert_eq!(parse_detach_keys("a,ctrl-@").unwrap(), [b'a', 0]);
        assert!(parse_detach_keys("ctrl-pp").is_err());
        let mut out = Vec::new();
        let end = relay_input(&b"ab\x10c\x10\x11rest"[..], &mut out, &[16, 17]);
        assert_eq!(end, InputEnd::Detached);
        assert_eq!(out, b"ab\x10c");
        let mut out = Vec::new();
        assert_eq!(
            relay_input(&b"plain"[..], &mut out, &[16, 17]),
            InputEnd::Closed
        );
        assert_eq!(out, b"plain");
    }
}
