//! One step of a stage, in two halves: [`plan`] expands the instruction
//! and gathers everything it reads (the cache key's inputs) without
//! changing anything; [`execute`] does it and returns what it made — a
//! layer, config changes, or both. `meta` handles the instructions that
//! only change the config, `run` the `RUN`s, `copy` `COPY` and `ADD`.

mod copy;
mod meta;
mod run;

use oci_spec::image::Config;

use super::cache::Inputs;
use super::dockerfile::{Instruction, Step};
use super::exec::{Builder, State};
use super::BuildError;
use crate::image::extras::Extras;
use crate::layer::LayerBlob;

type ConfigEdit = Box<dyn FnOnce(&mut Config)>;
type ExtrasEdit = Box<dyn FnOnce(&mut Extras)>;

/// What a step made.
pub(super) struct Made {
    pub layer: Option<LayerBlob>,
    pub edit: ConfigEdit,
    pub extras: Option<ExtrasEdit>,
    /// `MAINTAINER`: the image's author.
    pub author: Option<String>,
}

impl Made {
    pub fn meta(f: impl FnOnce(&mut Config) + 'static) -> Made {
        Made {
            layer: None,
            edit: Box::new(f),
            extras: None,
            author: None,
        }
    }

    fn extras(f: impl FnOnce(&mut Extras) + 'static) -> Made {
        Made {
            layer: None,
            edit: Box::new(|_| {}),
            extras: Some(Box::new(f)),
            author: None,
        }
    }

    fn layer(layer: Option<LayerBlob>) -> Made {
        Made {
            layer,
            edit: Box::new(|_| {}),
            extras: None,
            author: None,
        }
    }
}

/// The work a planned step still has to do.
pub(super) enum Work {
    Meta(Made),
    Run(run::RunPlan),
    Copy(copy::CopyPlan),
    /// `WORKDIR`: the directory to create when it is missing.
    Workdir(Option<copy::CopyPlan>, Made),
}

pub(super) struct Plan {
    pub inputs: Inputs,
    /// The history entry's `CreatedBy`.
    pub created_by: String,
    pub work: Work,
}

pub(super) fn plan(
    b: &mut Builder,
    st: &mut State,
    s: &Step,
    stage_index: usize,
    n: usize,
) -> Result<Plan, BuildError> {
    match &s.instruction {
        Instruction::Run(r) => run::plan(b, st, s, r, stage_index),
        Instruction::Copy(c) => copy::plan(b, st, s, c, false, stage_index, n),
        Instruction::Add(c) => copy::plan(b, st, s, c, true, stage_index, n),
        Instruction::Workdir(w) => {
            let (text, made, dir) = meta::workdir(b, st, s.line, w)?;
            let mkdir = match dir {
                Some(d) => Some(copy::mkdir_plan(b, st, &d)?),
                None => None,
            };
            Ok(Plan {
                inputs: Inputs {
                    text: text.clone(),
                    ..Default::default()
                },
                created_by: text,
                work: Work::Workdir(mkdir, made),
            })
        }
        _ => {
            let (text, made) = meta::plan(b, st, s)?;
            Ok(Plan {
                inputs: Inputs {
                    text: text.clone(),
                    ..Default::default()
                },
                created_by: text,
                work: Work::Meta(made),
            })
        }
    }
}

pub(super) fn execute(
    b: &mut Builder,
    st: &State,
    s: &Step,
    work: Work,
    n: usize,
) -> Result<Made, BuildError> {
    match work {
        Work::Meta(m) => Ok(m),
        Work::Run(p) => run::execute(b, st, s, p, n).map(Made::layer),
        Work::Copy(p) => copy::execute(b, s.line, p).map(|l| Made::layer(Some(l))),
        Work::Workdir(mkdir, mut made) => {
            if let Some(p) = mkdir {
                made.layer = Some(copy::execute(b, s.line, p)?);
            }
            Ok(made)
        }
    }
}
