//! `tug create`: a container ready to `start`, with `run`'s flags.

use tug::container::launch;

use crate::cli::Global;
use crate::common::open_store;

pub fn run(args: super::run::Args, g: &Global) -> anyhow::Result<i32> {
    let mut req = args.request()?;
    let store = open_store(g)?;
    args.ensure_image(&store, req.image.as_deref())?;
    super::run::image_defaults(&store, &args, &mut req);
    let r = launch::create(&store, &req)?;
    println!("{}", r.id);
    Ok(0)
}
