//! An iPhone backup's `Info.plist`, `Manifest.plist` and `Status.plist` (XML or binary), split from the input
//! at the first two `\0\0\0\0` separators.
#![no_main]
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(4).position(|w| w == [0, 0, 0, 0]) {
        Some(at) => (&data[..at], &data[at + 4..]),
        None => (data, &[]),
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (info, rest) = split(data);
    let (manifest, status) = split(rest);
    let _ = lifeboat::fuzzing::ios_plists(info, manifest, status);
});
