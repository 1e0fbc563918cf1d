//! A healthcheck as `run`'s `--health-*` options give it: a command and
//! durations written as `30s`, `1m30s`, `500ms`.

use std::time::Duration;

use super::{OptionError, Result};
use crate::container::health::HealthConfig;

/// The `--health-*` values as written.
#[derive(Debug, Clone, Copy)]
pub struct HealthSpec<'a> {
    /// `--health-cmd`, run with `sh -c`; without it there is no check.
    pub command: Option<&'a str>,
    pub interval: &'a str,
    pub timeout: &'a str,
    pub start_period: &'a str,
    pub retries: u32,
    /// `--no-healthcheck`.
    pub disabled: bool,
}

impl Default for HealthSpec<'_> {
    /// Docker's defaults: every 30 s, 30 s to answer, 3 retries.
    fn default() -> Self {
        HealthSpec {
            command: None,
            interval: "30s",
            timeout: "30s",
            start_period: "0s",
            retries: 3,
            disabled: false,
        }
    }
}

fn duration(option: &'static str, value: &str) -> Result<Duration> {
    humantime::parse_duration(value).map_err(|why| OptionError::HealthDuration {
        option,
        value: value.into(),
        why,
    })
}

/// The check to run, or None without a command (or when disabled).
/// Every duration is checked even then, as Docker does.
pub fn parse_healthcheck(spec: HealthSpec<'_>) -> Result<Option<HealthConfig>> {
    let cfg = HealthConfig {
        command: spec.command.unwrap_or_default().to_string(),
        interval: duration("health-interval", spec.interval)?,
        timeout: duration("health-timeout", spec.timeout)?,
        start_period: duration("health-start-period", spec.start_period)?,
        retries: spec.retries,
    };
    if cfg.interval.is_zero() || cfg.timeout.is_zero() {
        return Err(OptionError::HealthNotPositive);
    }
    if spec.disabled && spec.command.is_some() {
        return Err(OptionError::HealthConflict);
    }
    Ok((spec.command.is_some() && !spec.disabled).then_some(cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_healthcheck(HealthSpec::default()).unwrap(), None);
        let spec = HealthSpec {
            command: Some("true"),
            interval: "1m30s",
            timeout: "500ms",
            start_period: "2s",
            retries: 5,
            disabled: false,
        };
        assert_eq!(
            parse_healthcheck(spec).unwrap(),
            Some(HealthConfig {
                command: "true".into(),
                interval: Duration::from_secs(90),
                timeout: Duration::from_millis(500),
                start_period: Duration::from_secs(2),
                retries: 5,
            })
        );
        let off = HealthSpec {
            disabled: true,
            ..HealthSpec::default()
        };
        assert_eq!(parse_healthcheck(off).unwrap(), None);
    }

    #[test]
    fn refused_forms() {
        let e = parse_healthcheck(HealthSpec {
            interval: "soon",
            ..HealthSpec::default()
        })
        .unwrap_err();
        assert!(
            matches!(&e, OptionError::HealthDuration { option: "health-interval", value, .. } if value == "soon")
        );
        assert!(e
            .to_string()
            .starts_with(r#"invalid --health-interval "soon": "#));
        assert!(matches!(
            parse_healthcheck(HealthSpec {
                start_period: "-1s",
                ..HealthSpec::default()
            }),
            Err(OptionError::HealthDuration {
                option: "health-start-period",
                ..
            })
        ));
        assert_eq!(
            parse_healthcheck(HealthSpec {
                timeout: "0s",
                ..HealthSpec::default()
            })
            .unwrap_err()
            .to_string(),
            "--health-interval and --health-timeout must be positive"
        );
        assert_eq!(
            parse_healthcheck(HealthSpec {
                command: Some("true"),
                disabled: true,
                ..HealthSpec::default()
            })
            .unwrap_err()
            .to_string(),
            "--no-healthcheck conflicts with --health-* options"
        );
    }
}
