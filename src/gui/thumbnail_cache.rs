//! The thumbnails' disk cache, under the user's cache folder. Each thumbnail is a small JPEG sealed with a
//! key derived from the vault's master secret (XChaCha20-Poly1305, bound to its file name), so the cache is
//! as unreadable without the password as the vault: nobody browsing the disk sees the person's photos.
//!
//! Files are named by the picture's content key (a hash of its chunk ids, which are keyed per vault), so no
//! file name from a backup appears on disk and one vault's previews never show for another's. A file that
//! does not open (another vault's, damaged, cut short by a crash) is a miss, made again and replaced.
//! Deleting the folder is always safe.

use std::path::{Path, PathBuf};

use crate::gui::thumbnails::ThumbKey;
use crate::vault::{LocalSealer, Vault};

/// What the sealed files are for: names the key they are sealed with.
const PURPOSE: &str = "thumbnails";
/// The quality of the cached JPEGs: small tiles, where the difference from 95 is not visible.
const JPEG_QUALITY: u8 = 85;

/// How a "no preview" entry starts, followed by the version that found it (a JPEG starts with FF D8).
const NO_PREVIEW: &[u8] = b"no preview ";

/// What the cache holds for a picture.
#[derive(Debug)]
pub enum Cached {
    /// Its thumbnail.
    Picture(image::DynamicImage),
    /// This version found nothing it can show.
    NoPreview,
}

/// One vault's thumbnails on disk.
#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    sealer: LocalSealer,
}

impl DiskCache {
    /// The cache in `dir`, for `vault`'s thumbnails.
    pub fn new(dir: PathBuf, vault: &Vault) -> Self {
        Self { dir, sealer: vault.local_sealer(PURPOSE) }
    }

    fn path(&self, key: &ThumbKey) -> PathBuf {
        let name = hex::encode(key);
        self.dir.join(&name[..2]).join(format!("{name}.thumb"))
    }

    /// Whether a thumbnail of `key` is there (without opening it).
    pub fn has(&self, key: &ThumbKey) -> bool {
        self.path(key).exists()
    }

    /// What the cache knows of `key`, when its file is there and opens.
    pub fn load(&self, key: &ThumbKey) -> Option<Cached> {
        let sealed = std::fs::read(self.path(key)).ok()?;
        let content = self.sealer.open(key, &sealed)?;
        if let Some(version) = content.strip_prefix(NO_PREVIEW) {
            // A later version may decode what this one could not.
            return (version == env!("CARGO_PKG_VERSION").as_bytes()).then_some(Cached::NoPreview);
        }
        image::load_from_memory_with_format(&content, image::ImageFormat::Jpeg).ok().map(Cached::Picture)
    }

    /// Remembers that `key` has no thumbnail this version can make.
    pub fn store_no_preview(&self, key: &ThumbKey) {
        let path = self.path(key);
        let content = [NO_PREVIEW, env!("CARGO_PKG_VERSION").as_bytes()].concat();
        if let Err(e) = self.write_sealed(&path, key, &content) {
            log::debug!("thumbnail cache {}: {e}", path.display());
        }
    }

    /// Keeps `picture` as the thumbnail of `key`. A failure only costs a later decode, so it is logged.
    pub fn store(&self, key: &ThumbKey, picture: &image::DynamicImage) {
        let path = self.path(key);
        if let Err(e) = self.write(&path, key, picture) {
            log::debug!("thumbnail cache {}: {e}", path.display());
        }
    }

    fn write(&self, path: &Path, key: &ThumbKey, picture: &image::DynamicImage) -> Result<(), String> {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
            .encode_image(&picture.to_rgb8())
            .map_err(|e| e.to_string())?;
        self.write_sealed(path, key, &jpeg)
    }

    fn write_sealed(&self, path: &Path, key: &ThumbKey, content: &[u8]) -> Result<(), String> {
        // Sealed, and private to the user all the same (0700 folders, 0600 files), as the vault is.
        crate::paths::create_private_dir_all(path.parent().unwrap_or(&self.dir))
            .map_err(|e| e.to_string())?;
        // Written whole under another name, then renamed: a crash never leaves half a file under the real one.
        let temp = path.with_extension("tmp");
        let mut file = crate::paths::private_file()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .map_err(|e| e.to_string())?;
        std::io::Write::write_all(&mut file, &self.sealer.seal(key, content)).map_err(|e| e.to_string())?;
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(dir: &Path, name: &str) -> Vault {
        let kdf = crate::vault::KdfParams { memory_kib: 256, passes: 1, lanes: 1 };
        Vault::init(&dir.join(name), "pw", kdf).unwrap()
    }

    #[test]
    fn thumbnails_are_sealed_for_their_vault_and_name() {
        let dir = tempfile::tempdir().unwrap();
        let (mine, theirs) = (vault(dir.path(), "mine"), vault(dir.path(), "theirs"));
        let cache = DiskCache::new(dir.path().join("cache"), &mine);
        let picture =
            image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(32, 32, image::Rgb([200, 30, 90])));
        let key = [7u8; 32];
        assert!(!cache.has(&key) && cache.load(&key).is_none());
        cache.store(&key, &picture);
        assert!(cache.has(&key));
        let Some(Cached::Picture(loaded)) = cache.load(&key) else { panic!("a picture") };
        assert_eq!((loaded.width(), loaded.height()), (32, 32));

        // On disk it is no JPEG, and no other vault opens it.
        let bytes = std::fs::read(cache.path(&key)).unwrap();
        assert!(!bytes.starts_with(&[0xFF, 0xD8]) && !bytes.windows(4).any(|w| w == b"JFIF"));
        assert!(DiskCache::new(dir.path().join("cache"), &theirs).load(&key).is_none());

        // Moved under another picture's name, it does not open as that picture.
        let other = [8u8; 32];
        std::fs::create_dir_all(cache.path(&other).parent().unwrap()).unwrap();
        std::fs::copy(cache.path(&key), cache.path(&other)).unwrap();
        assert!(cache.load(&other).is_none());
    }

    // Issue 10, finding 17: the cache's folders and files were created 0755 / 0644.
    #[cfg(unix)]
    #[test]
    fn the_cache_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("cache"), &vault(dir.path(), "v"));
        let key = [3u8; 32];
        cache.store_no_preview(&key);
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache.path(&key)), 0o600);
        assert_eq!(mode(cache.path(&key).parent().unwrap()), 0o700);
        assert_eq!(mode(&dir.path().join("cache")), 0o700);
    }

    #[test]
    fn a_picture_without_preview_is_remembered_by_this_version_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("cache"), &vault(dir.path(), "v"));
        let key = [1u8; 32];
        cache.store_no_preview(&key);
        assert!(cache.has(&key));
        assert!(matches!(cache.load(&key), Some(Cached::NoPreview)));
        let older = cache.sealer.seal(&key, b"no preview 0.0.1");
        std::fs::write(cache.path(&key), older).unwrap();
        assert!(cache.load(&key).is_none(), "another version's verdict is not trusted");
    }
}
