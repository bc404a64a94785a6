//! JSON to [`Config`], collecting every shape error with its field path instead of stopping at the
//! first: a wrong type, a key written twice, a key consent-gate does not know (with the nearest
//! one it does), a value outside a fixed set.

use super::{
    Category, Config, ConfigError, Cookie, CookieSettings, Gpc, GpcMode, Integrations, ItemTexts,
    Layout, Lockdown, SameSite, Service, Signal, Theme, Translation, quoted,
};
use crate::core::i18n::KEYS;
use crate::core::json::{self, Value};

/// The config in `text` (with defaults for what it leaves out) and the problems met reading it.
/// `None` only when the text is not a JSON object at all.
/// The most keys in one object, or items in one list, a config may have: far above any site's
/// (16 categories, 64 services, 24 languages), low enough that each place is checked quickly.
pub const MAX_MEMBERS: usize = 256;

pub(super) fn decode(text: &str) -> (Option<Config>, Vec<ConfigError>) {
    let value = match json::parse(text) {
        Ok(value) => value,
        Err(e) => {
            return (
                None,
                vec![ConfigError::new(
                    "",
                    "",
                    format!("the config is not JSON: {e}"),
                )],
            );
        }
    };
    let mut decoder = Decoder { errors: Vec::new() };
    let config = decoder.config(&value);
    (config, decoder.errors)
}

/// The entry of `known` nearest to `word`, if it is near enough to be a slip: the same word in
/// another case or with `_`/`-`, or at most two edits away (one for short words).
pub fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    // Bytes, ASCII case only: every key and id is ASCII (a non-ASCII letter counts as its bytes),
    // so neither Unicode's case tables nor char decoding come into the module.
    let fold = |s: &str| -> Vec<u8> {
        s.bytes()
            .filter(|b| *b != b'_' && *b != b'-')
            .map(|b| b.to_ascii_lowercase())
            .collect()
    };
    let folded = fold(word);
    let limit = if folded.len() < 5 { 1 } else { 2 };
    let mut nearest: Option<(usize, &'a str)> = None;
    for &candidate in known {
        let folded_candidate = fold(candidate);
        // A key written without its ending ("privacyPolicy" for "privacyPolicyUrl") is near too.
        let d = if folded.len() >= 6 && folded_candidate.starts_with(&folded) {
            limit
        } else {
            distance(&folded, &folded_candidate)
        };
        if d <= limit && nearest.is_none_or(|(best, _)| d < best) {
            nearest = Some((d, candidate));
        }
    }
    nearest.map(|(_, candidate)| candidate)
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment), in
/// one flat table of `(a.len() + 1) * (b.len() + 1)` cells.
fn distance(a: &[u8], b: &[u8]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

/// A JSON object being read: the keys asked for are remembered, so that the rest can be reported.
struct Object<'v> {
    path: String,
    members: &'v [(String, Value)],
    known: Vec<&'static str>,
}

/// A field that is present: its path and value.
type Field<'v> = Option<(String, &'v Value)>;

impl<'v> Object<'v> {
    fn field(&mut self, key: &'static str) -> Field<'v> {
        self.known.push(key);
        let value = self
            .members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)?;
        (!matches!(value, Value::Null)).then(|| (join(&self.path, key), value))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

struct Decoder {
    errors: Vec<ConfigError>,
}

impl Decoder {
    fn wrong(&mut self, path: String, value: &Value, expected: &str) {
        let shown = match value {
            Value::String(s) => quoted(s),
            Value::Number(n) => n.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
        };
        let path = if path.is_empty() {
            "the config".to_owned()
        } else {
            path
        };
        self.errors.push(ConfigError::new(
            path,
            shown,
            format!("is {}: write {expected}", value.kind()),
        ));
    }

    /// A list or object longer than any config needs: refused whole, so that what is done for
    /// each member (duplicate keys, did-you-mean) stays small.
    fn too_many(&mut self, path: String, count: usize, what: &str) {
        self.errors.push(ConfigError::new(
            path,
            "",
            format!("has {count} {what}: a config has at most {MAX_MEMBERS} in one place"),
        ));
    }

    fn object<'v>(&mut self, path: String, value: &'v Value) -> Option<Object<'v>> {
        match value {
            Value::Object(members) if members.len() > MAX_MEMBERS => {
                self.too_many(path, members.len(), "keys");
                None
            }
            Value::Object(members) => Some(Object {
                path,
                members,
                known: Vec::new(),
            }),
            other => {
                self.wrong(path, other, "an object in { }");
                None
            }
        }
    }

    /// Reports the keys of `object` nobody asked for, and keys written twice.
    fn finish(&mut self, object: Object<'_>) {
        for (i, (key, _)) in object.members.iter().enumerate() {
            let path = join(&object.path, key);
            if object.members[..i].iter().any(|(k, _)| k == key) {
                self.errors
                    .push(ConfigError::new(path, "", "is written twice: keep one"));
            } else if !object.known.contains(&key.as_str()) {
                let fix = match suggest(key, &object.known) {
                    // Presets are resolved before the page: the modules carry no catalog.
                    None if key == "preset" => {
                        "names a preset, which the page cannot read: write it out with `consent-gate resolve` or the config builder".into()
                    }
                    Some(near) => {
                        format!("is not a key consent-gate knows (did you mean \"{near}\"?)")
                    }
                    None => format!(
                        "is not a key consent-gate knows: the keys here are {}",
                        crate::core::join(&object.known, ", ")
                    ),
                };
                self.errors.push(ConfigError::new(path, "", fix));
            }
        }
    }

    fn string(&mut self, field: Field<'_>) -> Option<String> {
        match field? {
            (_, Value::String(s)) => Some(s.clone()),
            (path, other) => {
                self.wrong(path, other, "text in double quotes");
                None
            }
        }
    }

    fn boolean(&mut self, field: Field<'_>) -> Option<bool> {
        match field? {
            (_, Value::Bool(b)) => Some(*b),
            (path, other) => {
                self.wrong(path, other, "true or false, without quotes");
                None
            }
        }
    }

    fn whole_number(&mut self, field: Field<'_>) -> Option<u32> {
        match field? {
            (_, value) if value.as_u32().is_some() => value.as_u32(),
            (path, other) => {
                self.wrong(path, other, "a whole number, without quotes");
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, field: Field<'_>, choices: &[(&'static str, T)]) -> Option<T> {
        let (path, value) = field?;
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let Value::String(s) = value else {
            self.wrong(
                path,
                value,
                &format!("one of \"{}\"", crate::core::join(&names, "\", \"")),
            );
            return None;
        };
        if let Some((_, choice)) = choices.iter().find(|(name, _)| name == s) {
            return Some(*choice);
        }
        let fix = match suggest(s, &names) {
            Some(near) => format!("is not one of the choices (did you mean \"{near}\"?)"),
            None => format!(
                "is not one of the choices: write \"{}\"",
                crate::core::join(&names, "\", \"")
            ),
        };
        self.errors.push(ConfigError::new(path, quoted(s), fix));
        None
    }

    /// The items of a list field with their paths (`categories[2]`); the per-type part stays in
    /// [`Self::list`], so that each list type does not compile a copy of this.
    fn items<'v>(&mut self, field: Field<'v>) -> Vec<(String, &'v Value)> {
        match field {
            None => Vec::new(),
            Some((path, Value::Array(items))) if items.len() > MAX_MEMBERS => {
                self.too_many(path, items.len(), "items");
                Vec::new()
            }
            Some((path, Value::Array(items))) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}[{i}]"), item))
                .collect(),
            Some((path, other)) => {
                self.wrong(path, other, "a list in [ ]");
                Vec::new()
            }
        }
    }

    fn list<T>(
        &mut self,
        field: Field<'_>,
        mut each: impl FnMut(&mut Self, String, &Value) -> Option<T>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (path, item) in self.items(field) {
            out.extend(each(self, path, item));
        }
        out
    }

    fn strings(&mut self, field: Field<'_>) -> Vec<String> {
        self.list(field, |d, path, v| d.string(Some((path, v))))
    }

    /// An object whose keys are the site's (ids, languages) rather than consent-gate's.
    fn map<T>(
        &mut self,
        field: Field<'_>,
        mut each: impl FnMut(&mut Self, String, &Value) -> Option<T>,
    ) -> Vec<(String, T)> {
        let Some((path, value)) = field else {
            return Vec::new();
        };
        let Value::Object(members) = value else {
            self.wrong(path, value, "an object in { }");
            return Vec::new();
        };
        if members.len() > MAX_MEMBERS {
            self.too_many(path, members.len(), "keys");
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, (key, value)) in members.iter().enumerate() {
            let member = join(&path, key);
            if members[..i].iter().any(|(k, _)| k == key) {
                self.errors
                    .push(ConfigError::new(member, "", "is written twice: keep one"));
            } else if let Some(item) = each(self, member, value) {
                out.push((key.clone(), item));
            }
        }
        out
    }

    fn signals(&mut self, field: Field<'_>) -> Vec<Signal> {
        let choices = Signal::ALL.map(|s| (s.name(), s));
        self.list(field, |d, path, v| d.choice(Some((path, v)), &choices))
    }

    fn config(&mut self, value: &Value) -> Option<Config> {
        let mut o = self.object(String::new(), value)?;
        let layouts = [
            ("box", Layout::Box),
            ("bar", Layout::Bar),
            ("bar-top", Layout::BarTop),
            ("modal", Layout::Modal),
        ];
        let themes = [
            ("auto", Theme::Auto),
            ("light", Theme::Light),
            ("dark", Theme::Dark),
        ];
        // An editor's pointer to the config's JSON Schema: allowed, and nothing to consent-gate.
        let _ = self.string(o.field("$schema"));
        let config = Config {
            revision: self.whole_number(o.field("revision")).unwrap_or(1),
            expiry_days: self
                .whole_number(o.field("expiryDays"))
                .unwrap_or(super::DEFAULT_EXPIRY_DAYS),
            language: self
                .string(o.field("language"))
                .unwrap_or_else(|| "en".into()),
            categories: self.list(o.field("categories"), Self::category),
            services: self.list(o.field("services"), Self::service),
            texts: match o.field("texts") {
                Some((path, v)) => self.texts(path, v).unwrap_or_default(),
                None => Vec::new(),
            },
            translations: self
                .map(o.field("translations"), Self::translation)
                .into_iter()
                .map(|(language, t)| Translation { language, ..t })
                .collect(),
            privacy_policy_url: self.string(o.field("privacyPolicyUrl")),
            log_endpoint: self.string(o.field("logEndpoint")),
            gpc: match o.field("gpc") {
                Some((path, v)) => self.gpc(path, v).unwrap_or_default(),
                None => Gpc::default(),
            },
            cookie: match o.field("cookie") {
                Some((path, v)) => self.cookie_settings(path, v).unwrap_or_default(),
                None => CookieSettings::default(),
            },
            display_language: self
                .string(o.field("displayLanguage"))
                .filter(|language| language != "auto"),
            layout: self.choice(o.field("layout"), &layouts).unwrap_or_default(),
            theme: self.choice(o.field("theme"), &themes).unwrap_or_default(),
            close_button: self.boolean(o.field("closeButton")).unwrap_or(false),
            preferences_button: self.boolean(o.field("preferencesButton")).unwrap_or(false),
            reload_on_withdraw: self.boolean(o.field("reloadOnWithdraw")).unwrap_or(true),
            integrations: self.integrations(&mut o),
            lockdown: match o.field("lockdown") {
                Some((path, v)) => self.lockdown(path, v).unwrap_or_default(),
                None => Lockdown::default(),
            },
            words: String::new(),
        };
        self.finish(o);
        Some(config)
    }

    fn integrations(&mut self, o: &mut Object<'_>) -> Integrations {
        let d = Integrations::default();
        let mut integrations = Integrations {
            uet: self.boolean(o.field("uet")).unwrap_or(d.uet),
            meta: self.boolean(o.field("meta")).unwrap_or(d.meta),
            ..d
        };
        if let Some((path, value)) = o.field("consentMode") {
            if let Value::Bool(on) = value {
                integrations.google = *on;
            } else if let Some(mut m) = self.object(path, value) {
                integrations.google = self.boolean(m.field("enabled")).unwrap_or(true);
                if let Some(ms) = self.whole_number(m.field("waitForUpdate")) {
                    integrations.wait_for_update = ms;
                }
                integrations.regions = self.strings(m.field("regions"));
                integrations.ads_data_redaction =
                    self.boolean(m.field("adsDataRedaction")).unwrap_or(false);
                integrations.url_passthrough =
                    self.boolean(m.field("urlPassthrough")).unwrap_or(false);
                self.finish(m);
            }
        }
        integrations
    }

    fn category(&mut self, path: String, value: &Value) -> Option<Category> {
        let mut o = self.object(path, value)?;
        let category = Category {
            id: self.string(o.field("id")).unwrap_or_default(),
            required: self.boolean(o.field("required")).unwrap_or(false),
            preselected: self.boolean(o.field("preselected")).unwrap_or(false),
            title: self.string(o.field("title")),
            description: self.string(o.field("description")),
            consent_mode: self.signals(o.field("consentMode")),
        };
        self.finish(o);
        Some(category)
    }

    fn service(&mut self, path: String, value: &Value) -> Option<Service> {
        let mut o = self.object(path, value)?;
        let service = Service {
            id: self.string(o.field("id")).unwrap_or_default(),
            category: self.string(o.field("category")).unwrap_or_default(),
            title: self.string(o.field("title")),
            description: self.string(o.field("description")),
            provider: self.string(o.field("provider")),
            privacy_policy_url: self.string(o.field("privacyPolicyUrl")),
            cookies: self.list(o.field("cookies"), Self::cookie),
            storage: self.strings(o.field("storage")),
            urls: self.strings(o.field("urls")),
            consent_mode: self.signals(o.field("consentMode")),
        };
        self.finish(o);
        Some(service)
    }

    fn cookie(&mut self, path: String, value: &Value) -> Option<Cookie> {
        let mut o = self.object(path, value)?;
        let cookie = Cookie {
            name: self.string(o.field("name")).unwrap_or_default(),
            domain: self.string(o.field("domain")),
            path: self.string(o.field("path")),
            provider: self.string(o.field("provider")),
            duration: self.string(o.field("duration")),
            purpose: self.string(o.field("purpose")),
            third_party: self.boolean(o.field("thirdParty")).unwrap_or(false),
        };
        self.finish(o);
        Some(cookie)
    }

    /// Interface words: an object whose keys are those of [`crate::core::i18n::Text`], plus (in a
    /// translation) `categories` and `services`.
    fn texts(&mut self, path: String, value: &Value) -> Option<Vec<(String, String)>> {
        let mut o = self.object(path, value)?;
        let texts = self.words(&mut o);
        self.finish(o);
        Some(texts)
    }

    fn words(&mut self, o: &mut Object<'_>) -> Vec<(String, String)> {
        let mut texts = Vec::new();
        for key in KEYS {
            if let Some(text) = self.string(o.field(key)) {
                texts.push((key.to_owned(), text));
            }
        }
        texts
    }

    fn translation(&mut self, path: String, value: &Value) -> Option<Translation> {
        let mut o = self.object(path, value)?;
        let translation = Translation {
            language: String::new(),
            texts: self.words(&mut o),
            categories: self.map(o.field("categories"), Self::item_texts),
            services: self.map(o.field("services"), Self::item_texts),
        };
        self.finish(o);
        Some(translation)
    }

    fn item_texts(&mut self, path: String, value: &Value) -> Option<ItemTexts> {
        let mut o = self.object(path, value)?;
        let texts = ItemTexts {
            title: self.string(o.field("title")),
            description: self.string(o.field("description")),
        };
        self.finish(o);
        Some(texts)
    }

    fn gpc(&mut self, path: String, value: &Value) -> Option<Gpc> {
        let mut o = self.object(path, value)?;
        let modes = [
            ("eu", GpcMode::Eu),
            ("us", GpcMode::Us),
            ("off", GpcMode::Off),
        ];
        let categories = o.field("categories");
        let gpc = Gpc {
            mode: self.choice(o.field("mode"), &modes).unwrap_or_default(),
            categories: categories.is_some().then(|| self.strings(categories)),
        };
        self.finish(o);
        Some(gpc)
    }

    fn lockdown(&mut self, path: String, value: &Value) -> Option<Lockdown> {
        let mut o = self.object(path, value)?;
        let lockdown = Lockdown {
            meta: self.boolean(o.field("meta")).unwrap_or(false),
            own_hosts: self.strings(o.field("ownHosts")),
        };
        self.finish(o);
        Some(lockdown)
    }

    fn cookie_settings(&mut self, path: String, value: &Value) -> Option<CookieSettings> {
        let mut o = self.object(path, value)?;
        let d = CookieSettings::default();
        let same_site = [
            ("lax", SameSite::Lax),
            ("strict", SameSite::Strict),
            ("none", SameSite::None),
        ];
        let settings = CookieSettings {
            name: self.string(o.field("name")).unwrap_or(d.name),
            domain: self.string(o.field("domain")),
            path: self.string(o.field("path")).unwrap_or(d.path),
            same_site: self
                .choice(o.field("sameSite"), &same_site)
                .unwrap_or_default(),
        };
        self.finish(o);
        Some(settings)
    }
}
