//! A photo's thumbnail as the app makes it: EXIF (orientation, embedded JPEG thumbnail), JPEG decoded at a
//! reduced scale, HEIC preview image (the default `heic` feature), PNG.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::data::thumbnail::thumbnail_of(data);
    let _ = lifeboat::data::sniff_mime(data);
});
