//! `compose build`, and how any compose command shows a build: the
//! builder's plain BuildKit-style lines with the stage prefixed by the
//! service (`#5 [web 2/3] COPY ...`), then ` Service web  Built`.

use std::cell::RefCell;

use clap::Args;
use tug::build::Event;
use tug::compose::build::{build_service, BuildOptions};
use tug::compose::{up, Plan};
use tug::store::Store;

use crate::common::build_progress::View;

/// Arguments of `compose build`.
#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// Do not use cache when building the image
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the image
    #[arg(long)]
    pub pull: bool,
    /// Don't print anything to stdout or stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// Set build-time variables for services
    #[arg(long = "build-arg", value_name = "KEY=VAL")]
    pub build_arg: Vec<String>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

thread_local! {
    /// The one view of this process's builds (it times each step's output).
    static VIEW: RefCell<View> = RefCell::new(View::new(false));
}

/// Shows one build event.
pub fn event(e: &Event) {
    VIEW.with(|v| v.borrow_mut().event(e));
}

/// The line after a service's build.
pub fn built(service: &str) {
    eprintln!(" Service {service}  Built");
}

pub fn build(store: &Store, plan: &Plan, a: &BuildArgs) -> anyhow::Result<i32> {
    let o = BuildOptions {
        no_cache: a.no_cache,
        pull: a.pull,
        ..Default::default()
    }
    .with_build_args(plan, &a.build_arg)?;
    tug::build::interrupt::install();
    for s in up::selected(plan, &a.services, true)? {
        if s.build.is_none() {
            continue;
        }
        let quiet = a.quiet;
        build_service(store, plan, s, &o, &mut |_, e| {
            if !quiet {
                event(&e)
            }
        })?;
        if !quiet {
            built(&s.name);
        }
    }
    Ok(0)
}
