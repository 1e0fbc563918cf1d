//! Docker's human-readable sizes (`4.26MB`, decimal units, 3 significant
//! digits) and durations (`3 minutes ago`), as go-units prints them.

/// Size in decimal units as `docker images` prints it: `4.26MB`, `512B`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{}{}", sig3(v), UNITS[i])
}

/// Binary units (`4.1MiB`), for callers that want them.
pub fn size_binary(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    format!("{}{}", sig3(v), UNITS[i])
}

/// Go's `%.3g` as go-units' `HumanSizeWithPrecision(size, 3)` uses it:
/// 3 significant digits, no trailing zeros.
fn sig3(v: f64) -> String {
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A duration as go-units' `HumanDuration`: "Less than a second", "3
/// minutes", "About an hour", "2 days", "5 weeks", "3 months", "2 years".
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let minutes = s / 60;
    let hours = (s + 1800) / 3600;
    match () {
        _ if s < 1 => "Less than a second".to_string(),
        _ if s == 1 => "1 second".to_string(),
        _ if s < 60 => format!("{s} seconds"),
        _ if minutes == 1 => "About a minute".to_string(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".to_string(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", s / 3600 / 24 / 365),
    }
}

/// "3 minutes ago" for an RFC 3339 time; empty when it does not parse.
pub fn since(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => {
            let secs = (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds();
            format!("{} ago", duration(secs))
        }
        Err(_) => "N/A".to_string(),
    }
}

/// Docker's `CreatedAt` form: `2024-01-02 15:04:05 +0000 UTC`.
pub fn created_at(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S +0000 UTC")
            .to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_like_docker() {
        assert_eq!(size(4_261_234), "4.26MB");
        assert_eq!(size(512), "512B");
        assert_eq!(size(1_000_000), "1MB");
        assert_eq!(duration(180), "3 minutes");
        assert_eq!(duration(3700), "About an hour");
        assert_eq!(duration(3 * 86400), "3 days");
    }
}
