//! Normalized data: the categories a backup is made of, item paths, and (as the phone transports arrive) the
//! normalized records with their open file formats.

mod category;
mod path;

pub use category::{Category, CategorySet, UnknownCategory};
pub use path::{ItemPath, PathError};
