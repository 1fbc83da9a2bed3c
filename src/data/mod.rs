//! Normalized data: the categories a backup is made of, item paths, and the normalized records (contacts,
//! messages, calls, settings, apps, photos) with their open file formats (vCard, SMS Backup & Restore XML,
//! CSV and HTML exports).
//!
//! Every record keeps the raw source it was read from ([`RawSource`]) and has a stable content identity
//! ([`ContentId`]) so that the same thing read from two backups or two phones compares equal.

mod category;
mod path;

mod app;
mod call;
mod contact;
pub mod documents;
pub mod export;
pub mod heic;
mod identity;
mod media;
mod merge;
mod message;
pub mod photo_copy;
mod raw;
mod setting;
pub mod sms_xml;
pub mod thumbnail;
pub mod vcard;

pub use app::{App, AppPackage, AppPlatform, PackageFormat};
pub use call::{CallDirection, CallEntry};
pub use category::{Category, CategorySet, UnknownCategory};
pub use contact::{
    Contact, ContactDate, Email, ExtraProperty, FieldMeta, InstantMessenger, Organization, Param, Phone,
    Photo, PhotoContent, PostalAddress, StructuredName, TextField, WebLink,
};
pub use identity::{
    ContentId, InvalidContentId, PHONE_IDENTITY_DIGITS, normalize_address, normalize_email,
    normalize_phone_number, normalize_text,
};
pub use media::{GeoPoint, MediaError, MediaItem, sniff_mime};
pub use message::{
    AddressRole, Message, MessageAddress, MessageFolder, MessageKind, MessagePart, PartContent, Thread,
    group_into_threads,
};
pub use path::{ItemPath, PathError};
pub use raw::{RawContent, RawFormat, RawSource};
pub use setting::{PortableKey, Setting};
