//! The image a new container runs: taken from the store or pulled from its
//! registry as the pull policy says, before `create` (what Docker does for
//! `run` and `create`, and Compose for a service's `pull_policy`).

use std::fmt;

use crate::container::options::PullPolicy;
use crate::error::Error;
use crate::image::Image;
use crate::store::Store;

/// What [`ensure_image`] has to tell the user, in order (the caller
/// prints them, on stderr for `run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageNotice {
    /// The image is not stored and is about to be pulled.
    NotFoundLocally { familiar: String },
    /// A line of the pull's report.
    Pulled(String),
    /// The image is for another architecture than the host's, and no
    /// platform was asked for.
    ForeignPlatform { arch: String, host: String },
}

impl fmt::Display for ImageNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageNotice::NotFoundLocally { familiar } => {
                write!(f, "Unable to find image '{familiar}' locally")
            }
            ImageNotice::Pulled(line) => f.write_str(line),
            ImageNotice::ForeignPlatform { arch, host } => write!(
                f,
                "WARNING: The requested image's platform (linux/{arch}) does not match the detected host platform (linux/{host}) and no specific platform was requested"
            ),
        }
    }
}

/// Why the image could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum EnsureImageError {
    /// `--pull never` (or a stored image) with an image of another
    /// platform than the one asked for.
    #[error("image with reference {image} was found but its platform ({found}) does not match the specified platform ({wanted})")]
    PlatformMismatch {
        image: String,
        found: String,
        wanted: String,
    },
    /// Reading the store, parsing the reference or pulling failed.
    #[error(transparent)]
    Core(#[from] Error),
}

/// Makes `image` ready to run: pulls it when `policy` says so (`Missing`:
/// only when the store has no image of that name, or only one of another
/// platform than `platform`). Only a real "no such image" counts as
/// missing: a damaged entry or an unreadable store is an error, never a
/// reason to fetch something else of the same name.
pub fn ensure_image(
    store: &Store,
    image: &str,
    policy: PullPolicy,
    platform: Option<&str>,
    notify: &mut dyn FnMut(ImageNotice),
) -> Result<(), EnsureImageError> {
    let found = match crate::image::resolve(store, image) {
        Ok(i) => Some(i),
        Err(Error::NoSuchImage(_)) => None,
        Err(e) => return Err(e.into()),
    };
    // A stored image of another platform than asked for is as good as
    // missing.
    let wrong_platform = match (&found, platform) {
        (Some(i), Some(p)) => !p.starts_with(&platform_of(i)),
        _ => false,
    };
    let stored = found.is_some() && !wrong_platform;
    let pull = match policy {
        PullPolicy::Always => true,
        PullPolicy::Missing => !stored,
        PullPolicy::Never => false,
    };
    if !pull {
        if let (true, Some(i), Some(p)) = (wrong_platform, &found, platform) {
            return Err(EnsureImageError::PlatformMismatch {
                image: image.into(),
                found: platform_of(i),
                wanted: p.into(),
            });
        }
        foreign_platform(found.as_ref(), platform, notify);
        return Ok(());
    }
    let r = crate::reference::Reference::parse(image)?;
    if !stored {
        notify(ImageNotice::NotFoundLocally {
            familiar: r.familiar(),
        });
    }
    // The lines the pull reports (a terminal shows the layers as progress
    // bars instead), in order, as `docker run` prints them.
    let reported = std::sync::Mutex::new(Vec::new());
    crate::registry::client::pull_with(store, &r, platform, &|l| {
        reported.lock().expect("not poisoned").push(l.to_string())
    })?;
    for line in reported.into_inner().expect("not poisoned") {
        notify(ImageNotice::Pulled(line));
    }
    let pulled = crate::image::resolve(store, image).ok();
    foreign_platform(pulled.as_ref(), platform, notify);
    Ok(())
}

fn platform_of(i: &Image) -> String {
    format!("{}/{}", i.config.os(), i.config.architecture())
}

/// The host's architecture in OCI's words.
fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// Docker's warning when an image of another architecture is run without
/// a platform asking for it.
fn foreign_platform(
    image: Option<&Image>,
    platform: Option<&str>,
    notify: &mut dyn FnMut(ImageNotice),
) {
    let Some(i) = image else { return };
    let arch = i.config.architecture().to_string();
    let host = host_arch();
    if platform.is_none() && arch != host {
        notify(ImageNotice::ForeignPlatform {
            arch,
            host: host.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_as_docker_prints_them() {
        let n = ImageNotice::NotFoundLocally {
            familiar: "busybox:latest".into(),
        };
        assert_eq!(
            n.to_string(),
            "Unable to find image 'busybox:latest' locally"
        );
        let n = ImageNotice::ForeignPlatform {
            arch: "arm64".into(),
            host: "amd64".into(),
        };
        assert!(n.to_string().starts_with(
            "WARNING: The requested image's platform (linux/arm64) does not match the detected host platform (linux/amd64)"
        ));
    }

    #[test]
    fn never_leaves_a_missing_image_to_create() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut notices = Vec::new();
        let e = ensure_image(&store, "nothing:here", PullPolicy::Never, None, &mut |n| {
            notices.push(n)
        });
        // `never` does not pull: the caller's create then says the image is missing.
        assert!(e.is_ok());
        assert!(notices.is_empty());
        // A name that is not a reference fails before anything is fetched.
        let e = ensure_image(&store, "Bad:Name!", PullPolicy::Missing, None, &mut |n| {
            notices.push(n)
        });
        assert!(matches!(e, Err(EnsureImageError::Core(_))), "{e:?}");
        assert!(notices.is_empty());
    }
}
