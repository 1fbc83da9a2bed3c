//! The screens: one module each. A screen owns its state and its `Message`, and reports what it needs from
//! the rest of the app as an `Event`.

pub mod backups;
pub mod browse;
pub mod devices;
pub mod password;
pub mod restore;
pub mod settings;
