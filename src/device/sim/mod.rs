//! Virtual phones: simulators that speak a real phone's wire protocol on loopback, so the product can be
//! tested end to end, and demonstrated, without a phone. Each keeps its state in a folder, so whatever a
//! restore wrote into it can be checked afterwards.
//!
//! - [`android`]: an Android phone behind the real ADB protocol, verified against Debian's `adb`.

pub mod android;
