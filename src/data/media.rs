//! Photos and videos: where a file is, what it is, and what the camera wrote into it (capture time, camera,
//! place, size), read from EXIF with `kamadak-exif` (JPEG, HEIF/HEIC, PNG, WebP, TIFF).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use exif::{In, Tag, Value};
use serde::{Deserialize, Serialize};

use super::identity::{ContentId, IdentityHasher};
use super::raw::RawSource;

/// A place on Earth, in decimal degrees (negative south and west) and metres above sea level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
    /// Altitude in metres, when recorded.
    pub altitude: Option<f64>,
}

/// One photo or video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaItem {
    /// Where it lives on the phone or in the snapshot (`DCIM/Camera/IMG_0001.jpg`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type sniffed from the first bytes (`image/jpeg`, `image/heic`, `video/mp4`), when recognised.
    pub mime: Option<String>,
    /// When it was taken, as the camera wrote it: ISO 8601 local time (`2008-10-22T16:29:49`), with the UTC
    /// offset appended when the camera recorded one.
    pub captured: Option<String>,
    /// Camera maker (`Canon`, `Apple`).
    pub camera_make: Option<String>,
    /// Camera model (`Canon EOS 40D`, `iPhone 13 Pro Max`).
    pub camera_model: Option<String>,
    /// Where it was taken.
    pub location: Option<GeoPoint>,
    /// Width in pixels, as recorded.
    pub width: Option<u32>,
    /// Height in pixels, as recorded.
    pub height: Option<u32>,
    /// EXIF orientation, 1 to 8 (0 and other values are kept as found: some cameras write them).
    pub orientation: Option<u16>,
    /// BLAKE3 of the file's bytes, when they were read.
    pub content_hash: Option<ContentId>,
    /// Why the camera metadata could not be read, when it could not (the file itself is still fine).
    pub unreadable_metadata: Option<String>,
    /// Where the item was described, when it came from a listing rather than the file.
    pub raw: Option<RawSource>,
}

/// A media file that could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the media file \"{path}\": {source}")]
pub struct MediaError {
    /// The file.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: io::Error,
}

impl MediaItem {
    /// Describes a file: size, media type, BLAKE3 of its bytes and its EXIF metadata. Broken or missing EXIF
    /// is not an error (it is common: screenshots, edited pictures); it leaves the camera fields empty and
    /// says why in [`MediaItem::unreadable_metadata`].
    pub fn from_file(path: &Path, item_path: &str) -> Result<Self, MediaError> {
        let wrap = |source| MediaError { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(wrap)?;
        let size = file.metadata().map_err(wrap)?.len();
        let mut head = [0u8; 64];
        let head_len = read_up_to(&mut file, &mut head).map_err(wrap)?;
        file.seek(SeekFrom::Start(0)).map_err(wrap)?;
        let mut hasher = blake3::Hasher::new();
        io::copy(&mut file, &mut hasher).map_err(wrap)?;
        let digest = *hasher.finalize().as_bytes();
        let mut hash_id = IdentityHasher::new("lifeboat.media-bytes.v1");
        hash_id.bytes("blake3", &digest);
        file.seek(SeekFrom::Start(0)).map_err(wrap)?;

        let mut item = MediaItem {
            path: item_path.to_string(),
            size,
            mime: sniff_mime(&head[..head_len]).map(str::to_string),
            captured: None,
            camera_make: None,
            camera_model: None,
            location: None,
            width: None,
            height: None,
            orientation: None,
            content_hash: Some(hash_id.finish()),
            unreadable_metadata: None,
            raw: None,
        };
        match exif::Reader::new().read_from_container(&mut BufReader::new(file)) {
            Ok(exif) => item.apply_exif(&exif),
            Err(error) => item.unreadable_metadata = Some(error.to_string()),
        }
        Ok(item)
    }

    fn apply_exif(&mut self, exif: &exif::Exif) {
        let text = |tag| {
            exif.get_field(tag, In::PRIMARY)
                .and_then(|f| match &f.value {
                    Value::Ascii(parts) => {
                        parts.first().map(|p| String::from_utf8_lossy(p).trim().to_string())
                    }
                    _ => None,
                })
                .filter(|s| !s.is_empty())
        };
        let uint = |tag| exif.get_field(tag, In::PRIMARY).and_then(|f| f.value.get_uint(0));
        self.camera_make = text(Tag::Make);
        self.camera_model = text(Tag::Model);
        self.orientation = uint(Tag::Orientation).and_then(|o| u16::try_from(o).ok());
        self.width = uint(Tag::PixelXDimension).or_else(|| uint(Tag::ImageWidth));
        self.height = uint(Tag::PixelYDimension).or_else(|| uint(Tag::ImageLength));
        let taken = text(Tag::DateTimeOriginal).or_else(|| text(Tag::DateTime));
        self.captured = taken.and_then(|t| exif_date_to_iso(&t)).map(|mut iso| {
            if let Some(offset) = text(Tag::OffsetTimeOriginal) {
                iso.push_str(&offset);
            }
            iso
        });
        self.location = gps(exif);
    }

    /// The item's content identity: the BLAKE3 of its bytes when known, so the same photo in two backups or
    /// on two phones is one photo whatever its path; otherwise its file name (lowercased) and size.
    pub fn content_id(&self) -> ContentId {
        if let Some(hash) = self.content_hash {
            return hash;
        }
        let mut hasher = IdentityHasher::new("lifeboat.media.v1");
        let name = self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path);
        hasher.text("name", &name.to_lowercase());
        hasher.int("size", i64::try_from(self.size).unwrap_or(i64::MAX));
        hasher.finish()
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// `2008:10:22 16:29:49` → `2008-10-22T16:29:49`; `None` for blanks such as `0000:00:00 00:00:00`.
fn exif_date_to_iso(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() < 19
        || !bytes[..19]
            .iter()
            .enumerate()
            .all(|(i, b)| matches!(i, 4 | 7 | 10 | 13 | 16) || b.is_ascii_digit())
    {
        return None;
    }
    if text.starts_with("0000") {
        return None;
    }
    Some(format!("{}-{}-{}T{}", &text[0..4], &text[5..7], &text[8..10], &text[11..19]))
}

fn gps(exif: &exif::Exif) -> Option<GeoPoint> {
    let degrees = |tag, reference, negative: &[u8]| -> Option<f64> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        let Value::Rational(parts) = &field.value else { return None };
        if parts.len() < 3 || parts.iter().take(3).any(|r| r.denom == 0) {
            return None;
        }
        let value = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let sign = match exif.get_field(reference, In::PRIMARY).map(|f| &f.value) {
            Some(Value::Ascii(r))
                if r.first().is_some_and(|r| r.first().is_some_and(|c| negative.contains(c))) =>
            {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * value)
    };
    let latitude = degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, b"Ss")?;
    let longitude = degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, b"Ww")?;
    let altitude = exif.get_field(Tag::GPSAltitude, In::PRIMARY).and_then(|f| match &f.value {
        Value::Rational(r) if r.first().is_some_and(|r| r.denom != 0) => {
            let below =
                exif.get_field(Tag::GPSAltitudeRef, In::PRIMARY).and_then(|f| f.value.get_uint(0)) == Some(1);
            r.first().map(|r| if below { -r.to_f64() } else { r.to_f64() })
        }
        _ => None,
    });
    Some(GeoPoint { latitude, longitude, altitude })
}

/// The media type of a file from its first bytes, for the formats phones produce. `None` when unknown.
pub fn sniff_mime(head: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("image/gif");
    }
    if starts(b"BM") && head.len() > 14 {
        return Some("image/bmp");
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
        return Some("audio/wav");
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some(match &head[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" => "image/heic",
            b"mif1" | b"msf1" => "image/heif",
            b"avif" => "image/avif",
            b"qt  " => "video/quicktime",
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" => "video/3gpp",
            b"M4A " => "audio/mp4",
            _ => "video/mp4",
        });
    }
    if starts(b"ID3") || starts(&[0xFF, 0xFB]) {
        return Some("audio/mpeg");
    }
    if starts(b"%PDF") {
        return Some("application/pdf");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_dates_become_iso() {
        assert_eq!(exif_date_to_iso("2008:10:22 16:29:49").as_deref(), Some("2008-10-22T16:29:49"));
        assert_eq!(exif_date_to_iso("0000:00:00 00:00:00"), None);
        assert_eq!(exif_date_to_iso("garbage"), None);
    }

    #[test]
    fn sniffs_common_formats() {
        assert_eq!(sniff_mime(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_mime(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_mime(b"\0\0\0\x18ftypheic\0\0\0\0"), Some("image/heic"));
        assert_eq!(sniff_mime(b"hello"), None);
    }
}
