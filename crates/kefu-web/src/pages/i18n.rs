//! The workbench's words in 简体中文 (the default) and English. Every string
//! a page shows comes from `locales/<lang>/*.txt` (one file per area of the
//! product): one `key = text` per line. A key missing shows as the key
//! itself, and a test keeps the languages and the templates in step.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The cookie's value (`zh`, `en`); anything else is the default.
    pub fn from_code(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// For `<html lang>`.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

pub(crate) const ZH: &[&str] = &[
    include_str!("../../locales/zh-CN/workbench.txt"),
    include_str!("../../locales/zh-CN/admin.txt"),
];
pub(crate) const EN: &[&str] = &[
    include_str!("../../locales/en/workbench.txt"),
    include_str!("../../locales/en/admin.txt"),
];

/// The words of one language, for a page.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
    words: &'static HashMap<String, String>,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        static ZH_WORDS: OnceLock<HashMap<String, String>> = OnceLock::new();
        static EN_WORDS: OnceLock<HashMap<String, String>> = OnceLock::new();
        let words = match lang {
            Lang::Zh => ZH_WORDS.get_or_init(|| parse(ZH)),
            Lang::En => EN_WORDS.get_or_init(|| parse(EN)),
        };
        Tr { lang, words }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.words.get(key).map_or(key, String::as_str)
    }

    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.words.get(key).map(String::as_str)
    }

    /// A word of a family: `t.word("status", "new")` is the key `status.new`.
    pub fn word(&self, family: &str, code: &str) -> String {
        let key = format!("{family}.{code}");
        self.words.get(&key).cloned().unwrap_or(key)
    }

    /// A text with `{n}` filled in.
    pub fn n(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.words
            .get(key)
            .map_or(key, String::as_str)
            .replace("{n}", &n.to_string())
    }
}

pub(crate) fn parse(files: &[&str]) -> HashMap<String, String> {
    files
        .iter()
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh = parse(ZH);
        let en = parse(EN);
        let mut only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(only_zh.is_empty(), "missing in en.txt: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.txt: {only_en:?}");
    }

    #[test]
    fn no_key_is_written_twice() {
        for files in [ZH, EN] {
            let mut seen = std::collections::HashSet::new();
            for line in files.iter().flat_map(|f| f.lines()).map(str::trim) {
                if let Some((k, _)) = line.split_once('=').filter(|_| !line.starts_with('#')) {
                    assert!(
                        seen.insert(k.trim().to_owned()),
                        "{} is written twice",
                        k.trim()
                    );
                }
            }
        }
    }

    #[test]
    fn every_key_the_templates_and_pages_use_is_translated() {
        let zh = parse(ZH);
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut missing = Vec::new();
        let mut dirs = vec![format!("{root}templates"), format!("{root}src/pages")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a folder of pages") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path.display().to_string());
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a readable file");
                // Every literal key a page asks its words for.
                for part in text.split(".t(\"").skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    if !zh.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys without words: {missing:#?}");
    }

    #[test]
    fn words_of_every_status_level_and_move_exist() {
        let zh = parse(ZH);
        let families = [
            (
                "status",
                &[
                    "new",
                    "dispatched",
                    "escalated",
                    "in_progress",
                    "waiting_customer",
                    "resolved",
                    "closed",
                    "reopened",
                ][..],
            ),
            (
                "move",
                &[
                    "answer", "dispatch", "escalate", "assign", "respond", "wait", "resume",
                    "resolve", "callback", "reopen", "note", "create",
                ][..],
            ),
            (
                "channel",
                &["phone", "wechat", "app", "email", "web", "walk_in"][..],
            ),
            (
                "category",
                &[
                    "complaint",
                    "inquiry",
                    "suggestion",
                    "praise",
                    "repair",
                    "other",
                ][..],
            ),
            ("priority", &["low", "normal", "high", "urgent"][..]),
            (
                "role",
                &[
                    "admin",
                    "manager",
                    "agent",
                    "dealer_staff",
                    "sales",
                    "liaison",
                    "dept_head",
                    "vp",
                ][..],
            ),
            (
                "clock",
                &["response", "resolution", "callback", "escalation"][..],
            ),
            ("tier", &["A", "B", "C", "D", "E"][..]),
        ];
        for (family, codes) in families {
            for code in codes {
                let key = format!("{family}.{code}");
                assert!(zh.contains_key(&key), "no words for {key}");
            }
        }
    }
}
