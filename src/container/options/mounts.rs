//! Mount specs: Docker's short `-v` syntax (also a Compose service's short
//! `volumes:` entry) and `--mount`'s `key=value` list.

use std::path::PathBuf;

use super::{parse_bytes, MountProblem, OptionError, Result};
use crate::container::volume::valid_name;
use crate::runtime::spec::BindMount;

/// Docker's short volume syntax: `SRC:DST[:MODE]` or a lone `DST` (an
/// anonymous volume). SRC is an absolute host path (created when missing,
/// as `-v` does) or a volume name; MODE is a comma list of `ro`, `rw`, `z`,
/// `Z`, `nocopy`. Relative host paths must be made absolute by the caller
/// (Compose resolves them against the project directory).
pub fn parse_volume(spec: &str) -> Result<BindMount> {
    let shape = || OptionError::VolumeSpec { spec: spec.into() };
    let parts: Vec<&str> = spec.split(':').collect();
    let (src, dst, mode) = match parts.as_slice() {
        [d] => ("", *d, ""),
        [s, d] => (*s, *d, ""),
        [s, d, m] => (*s, *d, *m),
        _ => return Err(shape()),
    };
    // `-v :/backup` (an empty `${PWD}`, say) is not an anonymous volume.
    if parts.len() > 1 && src.is_empty() {
        return Err(shape());
    }
    if !dst.starts_with('/') {
        return Err(OptionError::VolumeTarget { spec: spec.into() });
    }
    let readonly = match mode {
        "" | "rw" => false,
        "ro" => true,
        m => {
            let opts: Vec<&str> = m.split(',').collect();
            if opts
                .iter()
                .any(|o| !["ro", "rw", "z", "Z", "nocopy"].contains(o))
            {
                return Err(OptionError::VolumeMode {
                    spec: spec.into(),
                    mode: m.into(),
                });
            }
            opts.contains(&"ro")
        }
    };
    let (source, volume) = if src.starts_with('/') {
        (PathBuf::from(src), None)
    } else if src.is_empty() {
        (PathBuf::new(), Some(String::new()))
    } else if valid_name(src) {
        (PathBuf::new(), Some(src.to_string()))
    } else {
        return Err(OptionError::VolumeSource {
            spec: spec.into(),
            source_name: src.into(),
        });
    };
    Ok(BindMount {
        source,
        destination: dst.to_string(),
        readonly,
        volume,
        create_host_path: true,
    })
}

/// What one `--mount` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountSpec {
    /// A bind mount or a volume (named, or anonymous with an empty name).
    Bind(BindMount),
    /// A tmpfs, in `--tmpfs`'s `PATH[:OPTIONS]` form.
    Tmpfs(String),
}

/// Docker's `--mount` syntax: comma-separated `key=value` pairs, `type`
/// (volume by default), `source`/`src`, `target`/`destination`/`dst`,
/// `readonly`/`ro`, `volume-nocopy`, `bind-propagation`, `tmpfs-size`,
/// `tmpfs-mode`. A missing bind source is refused at start, not created.
pub fn parse_mount(spec: &str) -> Result<MountSpec> {
    let bad = |problem: MountProblem| OptionError::Mount {
        spec: spec.into(),
        problem,
    };
    let (mut kind, mut source, mut target, mut readonly) = ("volume", "", "", false);
    let mut tmpfs_opts = Vec::new();
    for field in spec.split(',').filter(|f| !f.is_empty()) {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        let flag = || match v {
            "" | "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(bad(MountProblem::NotABool { key: k.into() })),
        };
        match k {
            "type" => kind = v,
            "source" | "src" => source = v,
            "target" | "destination" | "dst" => target = v,
            "readonly" | "ro" => readonly = flag()?,
            "volume-nocopy" | "bind-propagation" | "consistency" | "bind-nonrecursive" => {}
            "tmpfs-size" => {
                let bytes = parse_bytes(v).map_err(|_| bad(MountProblem::TmpfsSize))?;
                tmpfs_opts.push(format!("size={bytes}"));
            }
            "tmpfs-mode" => {
                u32::from_str_radix(v, 8).map_err(|_| bad(MountProblem::TmpfsMode))?;
                tmpfs_opts.push(format!("mode={v}"));
            }
            _ => return Err(bad(MountProblem::UnknownKey { key: k.into() })),
        }
    }
    if !target.starts_with('/') {
        return Err(bad(MountProblem::RelativeTarget));
    }
    match kind {
        "bind" => {
            if !source.starts_with('/') {
                return Err(bad(MountProblem::RelativeBindSource));
            }
            Ok(MountSpec::Bind(BindMount {
                source: PathBuf::from(source),
                destination: target.into(),
                readonly,
                volume: None,
                create_host_path: false,
            }))
        }
        "volume" => {
            if !source.is_empty() && !valid_name(source) {
                return Err(bad(MountProblem::VolumeName {
                    source_name: source.into(),
                }));
            }
            Ok(MountSpec::Bind(BindMount {
                source: PathBuf::new(),
                destination: target.into(),
                readonly,
                volume: Some(source.to_string()),
                create_host_path: false,
            }))
        }
        "tmpfs" => {
            if !source.is_empty() {
                return Err(bad(MountProblem::TmpfsSource));
            }
            if readonly {
                tmpfs_opts.push("ro".into());
            }
            Ok(MountSpec::Tmpfs(if tmpfs_opts.is_empty() {
                target.to_string()
            } else {
                format!("{target}:{}", tmpfs_opts.join(","))
            }))
        }
        other => Err(bad(MountProblem::UnknownType { kind: other.into() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(source: &str, dst: &str, readonly: bool, volume: Option<&str>) -> BindMount {
        BindMount {
            source: PathBuf::from(source),
            destination: dst.into(),
            readonly,
            volume: volume.map(String::from),
            create_host_path: true,
        }
    }

    #[test]
    fn volume_accepted_forms() {
        let cases = [
            ("/data", bind("", "/data", false, Some(""))),
            ("/h:/c", bind("/h", "/c", false, None)),
            ("/h:/c:ro", bind("/h", "/c", true, None)),
            ("/h:/c:rw", bind("/h", "/c", false, None)),
            ("/h:/c:ro,z", bind("/h", "/c", true, None)),
            ("/h:/c:Z,nocopy", bind("/h", "/c", false, None)),
            ("vol:/c", bind("", "/c", false, Some("vol"))),
            ("my_vol-1.x:/c:ro", bind("", "/c", true, Some("my_vol-1.x"))),
        ];
        for (spec, want) in cases {
            assert_eq!(parse_volume(spec).unwrap(), want, "{spec}");
        }
    }

    #[test]
    fn volume_refused_forms() {
        let msg = |s: &str| parse_volume(s).unwrap_err().to_string();
        // Docker's own words for an empty source.
        assert_eq!(msg(":/x"), "invalid volume specification: ':/x'");
        assert_eq!(
            msg("/a:/b:ro:x"),
            "invalid volume specification: '/a:/b:ro:x'"
        );
        assert!(matches!(
            parse_volume("/h:rel").unwrap_err(),
            OptionError::VolumeTarget { .. }
        ));
        assert!(matches!(
            parse_volume("rel").unwrap_err(),
            OptionError::VolumeTarget { .. }
        ));
        assert_eq!(
            msg("/h:/c:bogus"),
            r#"invalid volume mode "bogus" in "/h:/c:bogus""#
        );
        assert!(matches!(
            parse_volume("./rel:/c").unwrap_err(),
            OptionError::VolumeSource { ref source_name, .. } if source_name == "./rel"
        ));
        assert!(matches!(
            parse_volume("-x:/c").unwrap_err(),
            OptionError::VolumeSource { .. }
        ));
    }

    #[test]
    fn mount_accepted_forms() {
        let got = parse_mount("type=bind,source=/h,target=/c,readonly").unwrap();
        let mut want = bind("/h", "/c", true, None);
        want.create_host_path = false;
        assert_eq!(got, MountSpec::Bind(want));
        // type defaults to volume; src/dst aliases; ro=false.
        let got = parse_mount("src=v1,dst=/c,ro=false,volume-nocopy").unwrap();
        let mut want = bind("", "/c", false, Some("v1"));
        want.create_host_path = false;
        assert_eq!(got, MountSpec::Bind(want));
        // An anonymous volume.
        let got = parse_mount("type=volume,destination=/c").unwrap();
        assert!(matches!(got, MountSpec::Bind(b) if b.volume.as_deref() == Some("")));
        assert_eq!(
            parse_mount("type=tmpfs,target=/t").unwrap(),
            MountSpec::Tmpfs("/t".into())
        );
        assert_eq!(
            parse_mount("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770,ro=1").unwrap(),
            MountSpec::Tmpfs("/t:size=1048576,mode=1770,ro".into())
        );
    }

    #[test]
    fn mount_refused_forms() {
        let problem = |s: &str| match parse_mount(s).unwrap_err() {
            OptionError::Mount { spec, problem } => {
                assert_eq!(spec, s);
                problem
            }
            e => panic!("{s}: {e}"),
        };
        assert_eq!(
            problem("type=bind,src=/h,dst=/c,ro=maybe"),
            MountProblem::NotABool { key: "ro".into() }
        );
        assert_eq!(
            problem("type=tmpfs,dst=/t,tmpfs-size=x"),
            MountProblem::TmpfsSize
        );
        assert_eq!(
            problem("type=tmpfs,dst=/t,tmpfs-mode=9"),
            MountProblem::TmpfsMode
        );
        assert_eq!(
            problem("dst=/c,colour=red"),
            MountProblem::UnknownKey {
                key: "colour".into()
            }
        );
        assert_eq!(problem("type=bind,src=/h"), MountProblem::RelativeTarget);
        assert_eq!(
            problem("type=bind,src=/h,dst=c"),
            MountProblem::RelativeTarget
        );
        assert_eq!(
            problem("type=bind,src=h,dst=/c"),
            MountProblem::RelativeBindSource
        );
        assert_eq!(
            problem("src=../x,dst=/c"),
            MountProblem::VolumeName {
                source_name: "../x".into()
            }
        );
        assert_eq!(
            problem("type=tmpfs,src=x,dst=/t"),
            MountProblem::TmpfsSource
        );
        assert_eq!(
            problem("type=npipe,dst=/c"),
            MountProblem::UnknownType {
                kind: "npipe".into()
            }
        );
        assert_eq!(
            parse_mount("type=bind,src=h,dst=/c")
                .unwrap_err()
                .to_string(),
            r#"invalid --mount "type=bind,src=h,dst=/c": a bind source must be an absolute path"#
        );
    }
}
