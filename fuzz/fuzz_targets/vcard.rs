//! vCard 2.1 / 3.0 / 4.0 files (`.vcf`) as exported by phones and address books.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = lifeboat::data::vcard::parse_vcards(data);
});
