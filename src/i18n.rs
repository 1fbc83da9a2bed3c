//! Translations. Every user-visible string goes through Fluent (`i18n/<lang>/lifeboat.ftl`); the system's
//! preferred languages pick one, English fills any gap. Use the [`t!`](crate::t) macro: ids are checked against
//! the English file at compile time.

use std::sync::LazyLock;

use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use i18n_embed::{DesktopLanguageRequester, LanguageLoader};
use rust_embed::RustEmbed;
use unic_langid::LanguageIdentifier;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Translations;

/// The loader behind [`t!`](crate::t), set to the system's languages on first use.
pub static LOADER: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
    let loader = fluent_language_loader!();
    if let Err(e) = loader.load_fallback_language(&Translations) {
        log::error!("the English texts could not be loaded: {e}");
    }
    let requested = DesktopLanguageRequester::requested_languages();
    if let Err(e) = i18n_embed::select(&loader, &Translations, &requested) {
        log::warn!("no translation for the system languages: {e}");
    }
    // Unicode isolation marks around arguments would end up in terminals, logs and copied commands.
    loader.set_use_isolating(false);
    loader
});

/// Switches to `language` (such as "de"), falling back to English for missing texts.
pub fn set_language(language: &str) -> Result<(), String> {
    let id: LanguageIdentifier = language.parse().map_err(|e| format!("\"{language}\": {e}"))?;
    i18n_embed::select(&*LOADER, &Translations, &[id]).map_err(|e| e.to_string())?;
    LOADER.set_use_isolating(false);
    Ok(())
}

/// The languages Lifeboat has texts for.
pub fn available_languages() -> Vec<String> {
    LOADER
        .available_languages(&Translations)
        .map(|ids| ids.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

/// Looks up a translated text: `t!("id")` or `t!("id", name = value, ...)`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        i18n_embed_fl::fl!($crate::i18n::LOADER, $id)
    };
    ($id:literal, $($args:tt)*) => {
        i18n_embed_fl::fl!($crate::i18n::LOADER, $id, $($args)*)
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_and_german_are_complete() {
        let languages = super::available_languages();
        assert!(languages.iter().any(|l| l == "en"), "{languages:?}");
        assert!(languages.iter().any(|l| l == "de"), "{languages:?}");
        // Every id in English exists in German: compare the message ids of both files.
        let ids = |text: &str| -> Vec<String> {
            let mut ids: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with(['#', ' ', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap_or_default().to_string())
                .collect();
            ids.sort();
            ids
        };
        let en = ids(include_str!("../i18n/en/lifeboat.ftl"));
        let de = ids(include_str!("../i18n/de/lifeboat.ftl"));
        assert_eq!(en, de, "the German file must translate every English id");
    }
}
