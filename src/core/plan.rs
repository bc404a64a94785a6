//! A returning visitor's plan: what the gate does on a page view where a valid decision is stored
//! and nothing must be shown, decided in full by core on an earlier page view and kept beside the
//! record, so that such a page view needs only the small gate (README, "Two modules"). A visitor
//! who has not decided yet gets one too, for the tab's session ([`Keep`]): it holds what the
//! banner holds and says the banner is due, so that the small gate holds and releases in order at
//! once and loads the interface without blocking the page's parser. That plan is the same for
//! every such visitor of a site, so a page can carry it for a first visit too ([`Plan::for_page`],
//! written by `consent-gate plan`).
//!
//! The full gate writes the plan ([`Plan::next_view`]) whenever the decision in force settles.
//! The small gate follows it only while [`in_force`] holds: the same config text, the same stored
//! record (one copy; none for a visitor who has not decided), the same mirror, the same privacy
//! signal, no receipt waiting, not expired.
//! Otherwise, or when the page asks for more than the plan covers (a decision, the preferences, a
//! placeholder, another tab's decision), the full gate decides, from the record the page runs
//! under.
//!
//! What the small gate asks while it follows a plan is answered here, by the same rules as the
//! full gate's: [`Grants::hold`] is [`autoblock::first_match`], [`Grants::verdict`] is
//! [`gate::verdict_by`].

use crate::core::autoblock;
use crate::core::config::Config;
use crate::core::consent::{Consent, Context, Effect, Prompt, Purge};
use crate::core::gate::{self, Verdict};
use crate::core::integrations::{self, Arg, Call, Target};
use crate::core::json::{self, Value};
use crate::core::outbox;
use crate::core::record::{self, json_string};
use crate::core::texts::Words;
use crate::core::view;
use crate::core::{contract, cookie, style};

/// The version a plan must carry: this build's package version and the plan's format.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/2");

/// A digest of the config element's text (FNV-1a, 64 bits, as 16 hex digits): a plan made for
/// one config is never followed under another.
pub fn digest(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::with_capacity(16);
    for shift in (0..16).rev() {
        let digit = ((hash >> (shift * 4)) & 0xf) as u32;
        out.push(char::from_digit(digit, 16).unwrap_or('0'));
    }
    out
}

/// What the decision in force grants, per declared category and service, with the services' URL
/// patterns in the config's order: enough to answer the small gate's questions as the full gate
/// would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Each category: id, granted.
    pub categories: Vec<(String, bool)>,
    /// Each service: id, category, granted, URL patterns.
    pub services: Vec<(String, String, bool, Vec<String>)>,
}

impl Grants {
    /// What `consent` grants under `config`.
    pub fn of(config: &Config, consent: &Consent) -> Grants {
        Grants {
            categories: config
                .categories
                .iter()
                .map(|c| (c.id.clone(), consent.is_granted(config, &c.id)))
                .collect(),
            services: config
                .services
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
                        s.category.clone(),
                        consent.is_service_granted(config, &s.id),
                        s.urls.clone(),
                    )
                })
                .collect(),
        }
    }

    /// The index of the service `url` is held for ([`autoblock::hold`]).
    pub fn hold(&self, url: &str) -> Option<usize> {
        let index = autoblock::first_match(self.services.iter().map(|s| s.3.as_slice()), url)?;
        (!self.services[index].2).then_some(index)
    }

    /// The verdict for an element naming `category` and/or `service` ([`gate::verdict`]).
    pub fn verdict(&self, category: Option<&str>, service: Option<&str>) -> Verdict {
        gate::verdict_by(
            category,
            service,
            |id| self.services.iter().any(|s| s.0 == id && s.2),
            |id| self.categories.iter().any(|(k, g)| k == id && *g),
        )
    }
}

/// The decision a plan was made under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The record cookie's value.
    pub record: String,
    /// When the decision expires (Unix seconds).
    pub expires: u64,
}

/// What the small gate must find to follow a plan, as the plan states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// [`VERSION`] when the plan was written.
    pub version: String,
    /// [`digest`] of the config text.
    pub config: String,
    /// The record cookie's (and mirror's) name.
    pub name: String,
    /// The decision, or `None` for a visitor who has not decided: then no record cookie may be
    /// there.
    pub decided: Option<Decided>,
    /// The mirror's value.
    pub mirror: Option<String>,
    /// `navigator.globalPrivacyControl`.
    pub gpc: bool,
    /// For a plan the page carries ([`Plan::for_page`]): the site it was made for, as
    /// `protocol//hostname`, whose cookie tails its purge holds. `None` for a plan the full gate
    /// stored on the site it ran on.
    pub site: Option<String>,
}

impl Keys {
    /// The keys of a plan's JSON ([`Plan::to_json`]), or `None` where they are not all there.
    pub fn from_json(text: &str) -> Option<Keys> {
        let Ok(Value::Object(members)) = json::parse(text) else {
            return None;
        };
        let get = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let string = |key: &str| match get(key) {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) => Some(None),
            _ => None,
        };
        let decided = match (string("record")?, get("expires")?) {
            (None, Value::Null) => None,
            (Some(record), expires) => Some(Decided {
                record,
                expires: u64::from(expires.as_u32()?),
            }),
            _ => return None,
        };
        Some(Keys {
            version: string("v")??,
            config: string("config")??,
            name: string("name")??,
            decided,
            mirror: string("mirror")?,
            gpc: matches!(get("gpc")?, Value::Bool(true)),
            site: string("site")?,
        })
    }
}

/// Whether the plan a page carries (`carried`, its element's text) is followed at `origin` under
/// the config element's `config_text` by a visitor with nothing stored: one that is not was made
/// for another config, release or site, and the console says so.
pub fn page_plan_followed(carried: &str, config_text: &str, origin: Origin<'_>) -> bool {
    let site = origin.site();
    let seen = Seen {
        config: config_text,
        cookies: "",
        mirror: None,
        outbox: None,
        gpc: false,
        now: 0,
        site: &site,
        carried: true,
    };
    Keys::from_json(carried).is_some_and(|keys| in_force(&keys, &seen))
}

/// What the small gate sees on this page view.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// The config element's text.
    pub config: &'a str,
    /// `document.cookie`.
    pub cookies: &'a str,
    /// The mirror's value.
    pub mirror: Option<&'a str>,
    /// The receipts outbox's value.
    pub outbox: Option<&'a str>,
    /// `navigator.globalPrivacyControl`.
    pub gpc: bool,
    /// Unix seconds.
    pub now: u64,
    /// `location.protocol + "//" + location.hostname`.
    pub site: &'a str,
    /// The plan is the one the page carries, not one from storage.
    pub carried: bool,
}

/// Whether a plan with `keys` may be followed on a page view that sees `seen`.
pub fn in_force(keys: &Keys, seen: &Seen<'_>) -> bool {
    let cookies = record::cookie_values(seen.cookies, &keys.name);
    let decision = match &keys.decided {
        Some(decided) => cookies == [decided.record.as_str()] && seen.now < decided.expires,
        None => cookies.is_empty(),
    };
    keys.version == VERSION
        && keys.config == digest(seen.config)
        && decision
        && keys.mirror.as_deref() == seen.mirror
        && keys.gpc == seen.gpc
        && seen
            .outbox
            .is_none_or(|stored| outbox::entries(stored).is_empty())
        // A page's plan is every visitor's, so it can only be that of one who has not decided,
        // and it names the site whose cookie domains its purge holds; a stored plan names none.
        && match keys.site.as_deref() {
            Some(site) => seen.carried && site == seen.site && keys.decided.is_none(),
            None => !seen.carried,
        }
}

/// What the plan in storage was made for: the record cookie's values, the mirror's value and
/// the settings button's drawing ([`button`]) as the interface drew it on this page view, if it
/// did. The full gate knows it from the plan the small gate followed, or from the plan it wrote
/// last. While they are the same, the plan [`Plan::next_view`] would make is the one kept:
/// nothing else it is made from changes within a page view (the config, the release, the site,
/// the privacy signal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    records: Vec<String>,
    mirror: Option<String>,
    drawn: Option<String>,
}

impl Kept {
    /// What `cookies` (`document.cookie`) under the record cookie `name`, `mirror` and the
    /// button `drawn` are.
    pub fn of(name: &str, cookies: &str, mirror: Option<&str>, drawn: Option<&str>) -> Kept {
        let records = record::cookie_values(cookies, name);
        Kept {
            records: records.into_iter().map(str::to_owned).collect(),
            mirror: mirror.map(str::to_owned),
            drawn: drawn.map(str::to_owned),
        }
    }

    /// What a plan the small gate followed was made for: its record (`None` undecided) and
    /// mirror, before the interface has drawn anything on this page view.
    pub fn followed(record: Option<String>, mirror: Option<String>) -> Kept {
        Kept {
            records: record.into_iter().collect(),
            mirror,
            drawn: None,
        }
    }

    /// Whether the stores and the button still are what the kept plan was made for.
    pub fn stands(
        &self,
        name: &str,
        cookies: &str,
        mirror: Option<&str>,
        drawn: Option<&str>,
    ) -> bool {
        record::cookie_values(cookies, name) == self.records
            && mirror == self.mirror.as_deref()
            && drawn == self.drawn.as_deref()
    }
}

/// Where a plan is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// `localStorage`, beside the record it was made for, for as long as the record.
    Local,
    /// `sessionStorage`: an undecided visitor's, for the tab's session only, so that nothing
    /// lasting is stored on the visitor's device before they decide.
    Session,
}

/// The plan for the next page view of a visitor whose stores hold `cookie` and `mirror`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// What must hold for it to be followed.
    pub keys: Keys,
    /// The receipts outbox's `localStorage` key.
    pub outbox: String,
    /// What is granted.
    pub grants: Grants,
    /// The vendor calls (Consent Mode default and update, UET), in order.
    pub calls: Vec<Call>,
    /// What refused services left, to delete.
    pub purge: Purge,
    /// Each of their first-party cookies (a name or `prefix*`) with its
    /// [`cookie::deletion_tails`] on this origin.
    pub deletions: Vec<(String, Vec<String>)>,
    /// The record's JSON, as `exportRecord()` gives it (and `get()` parsed); `None` undecided.
    pub record_json: Option<String>,
    /// The floating settings button, where the page shows one ([`button`]).
    pub button: Option<String>,
    /// The banner, for a visitor who has not decided ([`banner_drawing`]).
    pub drawing: Option<String>,
    /// The lockdown policy to put first in `<head>` (`lockdown.meta`).
    pub lockdown: Option<String>,
}

/// The floating settings button as the small gate draws it from a plan, as JSON
/// ([`drawing`], with the base stylesheet, [`style::BASE`]). Made by the interface, which has the
/// words; the full gate puts it in the plan as it is.
pub fn button(config: &Config) -> String {
    drawing(config, style::BASE, |words| {
        view::settings_button(&words, config.theme)
    })
}

/// The banner as the small gate draws it from an undecided visitor's plan, as JSON ([`drawing`],
/// with [`style::banner`]). The visitor sees the banner while the interface module downloads;
/// what they click on it, the interface's full gate carries out when it starts.
pub fn banner_drawing(config: &Config) -> String {
    drawing(config, &style::banner(), |words| {
        view::BannerView::new(config, words.language).markup()
    })
}

/// Something the small gate draws as the interface would, as JSON: the host element's id, the
/// stylesheet, the names it finds controls by, the config's `displayLanguage`, and the element in
/// each language the config offers (`[code, markup]`, in the config's order,
/// [`view::Markup::to_json`]), from which the small gate's module picks as the interface would
/// ([`crate::core::i18n::pick_language`]).
pub fn drawing(config: &Config, css: &str, make: impl Fn(Words<'_>) -> view::Markup) -> String {
    let views: Vec<String> = config
        .languages()
        .into_iter()
        .map(|language| {
            let markup = make(Words::new(config, language));
            format!("[{},{}]", json_string(language), markup.to_json())
        })
        .collect();
    format!(
        "{{\"host\":{},\"css\":{},\"action\":{},\"banner\":{},\"forced\":{},\"views\":[{}]}}",
        json_string(contract::ROOT_ELEMENT_ID),
        json_string(css),
        json_string(contract::ATTR_ACTION),
        json_string(contract::ATTR_BANNER),
        config
            .display_language
            .as_deref()
            .map_or_else(|| "null".into(), json_string),
        crate::core::join(&views, ","),
    )
}

/// The origin a plan is made on and followed on (its `localStorage` is that origin's).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// `location.hostname`.
    pub host: &'a str,
    /// `location.protocol`.
    pub protocol: &'a str,
}

impl Origin<'_> {
    /// The site a page's plan names ([`Keys::site`]): `protocol//hostname`, as the small gate
    /// writes it from `location`.
    pub fn site(&self) -> String {
        format!("{}//{}", self.protocol, self.host)
    }
}

impl Plan {
    /// The plan for the next page view under `config` (whose element's text is `config_text`) of
    /// the visitor whose `document.cookie` is `cookies` and whose mirror holds `mirror` at
    /// `origin`, where the settings button (if the page shows one) is `drawn` ([`button`]);
    /// `None` when that page view must do more than a plan covers: ask again about a decision
    /// stored before (expired, a new revision, new services), rewrite the record, sort out more
    /// than one record cookie, or show a settings button not drawn yet.
    pub fn next_view(
        config: &Config,
        config_text: &str,
        cookies: &str,
        mirror: Option<&str>,
        ctx: &Context,
        origin: Origin<'_>,
        drawn: Option<&str>,
    ) -> Option<Plan> {
        // A plan stands for one copy of the record cookie, or none ([`in_force`] checks the same).
        let cookie = match record::cookie_values(cookies, &config.cookie.name).as_slice() {
            [] => None,
            [value] => Some(*value),
            _ => return None,
        };
        let (consent, effects) = Consent::restore(config, [cookie, mirror], ctx);
        // Decided: the cookie holds the record (the plan keeps its expiry). Undecided: nothing
        // stored at all, and the banner asks for a first decision.
        let banner = match (consent.record(), consent.prompt()) {
            (Some(_), None) if cookie.is_some() => false,
            (None, Some(Prompt::FirstVisit)) if cookie.is_none() && mirror.is_none() => true,
            _ => return None,
        };
        let mut calls = Vec::new();
        let mut purge = Purge::default();
        let mut lockdown = None;
        for effect in effects {
            match effect {
                Effect::ConsentModeDefault(signals) => {
                    calls.extend(integrations::calls(&config.integrations, &signals, true));
                }
                Effect::ConsentMode(signals) => {
                    calls.extend(integrations::calls(&config.integrations, &signals, false));
                }
                Effect::Purge(refused) => purge = refused,
                Effect::Lockdown(policy) => lockdown = Some(policy),
                Effect::Activate(_) => {}
                Effect::ShowBanner(Prompt::FirstVisit) if banner => {}
                _ => return None,
            }
        }
        // The button comes from the interface: until it has drawn it once, the full gate loads on
        // the next page view too.
        let button = match view::settings_button_visible(config, &consent) {
            true => Some(drawn?.to_owned()),
            false => None,
        };
        Some(Plan {
            keys: Keys {
                version: VERSION.into(),
                config: digest(config_text),
                name: config.cookie.name.clone(),
                decided: cookie
                    .zip(consent.record())
                    .map(|(cookie, record)| Decided {
                        record: cookie.to_owned(),
                        expires: record.expires_at,
                    }),
                mirror: mirror.map(str::to_owned),
                gpc: ctx.gpc,
                site: None,
            },
            outbox: format!("{}_outbox", config.cookie.name),
            grants: Grants::of(config, &consent),
            calls,
            deletions: purge
                .cookies
                .iter()
                .filter(|c| !c.third_party)
                .map(|c| {
                    let tails = cookie::deletion_tails(c, origin.host, origin.protocol);
                    (c.name.clone(), tails)
                })
                .collect(),
            purge,
            record_json: consent.record().map(|record| record.to_json()),
            button,
            drawing: banner.then(|| banner_drawing(config)),
            lockdown,
        })
    }

    /// The plan a page carries for a first visit (`consent-gate plan`, README "A first visit that
    /// does not wait"): an undecided visitor's without the privacy signal, the same for every
    /// such visitor of `origin`, so that the small gate follows it and loads the interface
    /// beside the parser instead of ahead of it. `None` where the config's first page view does
    /// more than a plan covers.
    pub fn for_page(config: &Config, config_text: &str, origin: Origin<'_>) -> Option<Plan> {
        let ctx = Context {
            now: 0,
            language: String::new(),
            gpc: false,
            fresh_id: String::new(),
            texts_hash: String::new(),
        };
        let mut plan = Plan::next_view(config, config_text, "", None, &ctx, origin, None)?;
        plan.keys.site = Some(origin.site());
        Some(plan)
    }

    /// The text of the page's plan element (`<script type="application/json"
    /// id="consent-gate-plan">`): the JSON with every `<` escaped, so that no string in it can
    /// end the element.
    pub fn page_text(&self) -> String {
        self.to_json().replace('<', "\\u003c")
    }

    /// The banner is due: the plan is an undecided visitor's, and the small gate loads the
    /// interface at once, after it has put the plan in force.
    pub fn banner(&self) -> bool {
        self.keys.decided.is_none()
    }

    /// Where this plan is kept ([`Keep`]).
    pub fn keep(&self) -> Keep {
        match self.banner() {
            true => Keep::Session,
            false => Keep::Local,
        }
    }

    /// The plan as the JSON object the small gate reads.
    pub fn to_json(&self) -> String {
        let strings = |list: &[String]| {
            let items: Vec<String> = list.iter().map(|s| json_string(s)).collect();
            format!("[{}]", crate::core::join(&items, ","))
        };
        let optional = |value: Option<&str>| value.map_or_else(|| "null".into(), json_string);
        let categories: Vec<String> = self
            .grants
            .categories
            .iter()
            .map(|(id, granted)| format!("[{},{granted}]", json_string(id)))
            .collect();
        let services: Vec<String> = self
            .grants
            .services
            .iter()
            .map(|(id, category, granted, urls)| {
                format!(
                    "[{},{},{granted},{}]",
                    json_string(id),
                    json_string(category),
                    strings(urls)
                )
            })
            .collect();
        let calls: Vec<String> = self.calls.iter().map(call_json).collect();
        let cookies: Vec<String> = self
            .deletions
            .iter()
            .map(|(name, tails)| format!("[{},{}]", json_string(name), strings(tails)))
            .collect();
        let opener = view::opener_selector();
        let names = [
            ("gated", contract::GATED_SELECTOR),
            ("embed", contract::EMBED_SELECTOR),
            ("category", contract::ATTR_CATEGORY),
            ("service", contract::ATTR_SERVICE),
            ("queued", contract::ATTR_QUEUED),
            ("refused", contract::ATTR_REFUSED),
            ("opener", opener.as_str()),
            ("injectedKept", gate::INJECTED_SCRIPT_KEPT),
        ]
        .map(|(key, name)| format!("{}:{}", json_string(key), json_string(name)));
        format!(
            "{{\"v\":{},\"config\":{},\"name\":{},\"record\":{},\"mirror\":{},\"gpc\":{},\"site\":{},\"expires\":{},\"banner\":{},\"outbox\":{},\"categories\":[{}],\"services\":[{}],\"calls\":[{}],\"purge\":{{\"cookies\":[{}],\"storage\":{}}},\"get\":{},\"button\":{},\"drawing\":{},\"lockdown\":{},\"names\":{{{}}}}}",
            json_string(&self.keys.version),
            json_string(&self.keys.config),
            json_string(&self.keys.name),
            optional(self.keys.decided.as_ref().map(|d| d.record.as_str())),
            optional(self.keys.mirror.as_deref()),
            self.keys.gpc,
            optional(self.keys.site.as_deref()),
            self.keys
                .decided
                .as_ref()
                .map_or_else(|| "null".into(), |d| d.expires.to_string()),
            self.banner(),
            json_string(&self.outbox),
            crate::core::join(&categories, ","),
            crate::core::join(&services, ","),
            crate::core::join(&calls, ","),
            crate::core::join(&cookies, ","),
            strings(&self.purge.storage),
            optional(self.record_json.as_deref()),
            self.button.as_deref().unwrap_or("null"),
            self.drawing.as_deref().unwrap_or("null"),
            optional(self.lockdown.as_deref()),
            crate::core::join(&names, ","),
        )
    }
}

fn call_json(call: &Call) -> String {
    let target = match call.target {
        Target::Gtag => "gtag",
        Target::Uet => "uet",
        Target::Fbq => "fbq",
    };
    let args: Vec<String> = call.args.iter().map(arg_json).collect();
    format!("[\"{target}\",{}]", crate::core::join(&args, ","))
}

fn arg_json(arg: &Arg) -> String {
    match arg {
        Arg::Str(s) => json_string(s),
        Arg::Bool(b) => b.to_string(),
        Arg::Num(n) => n.to_string(),
        Arg::List(items) => {
            let items: Vec<String> = items.iter().map(|s| json_string(s)).collect();
            format!("[{}]", crate::core::join(&items, ","))
        }
        Arg::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(key, value)| format!("{}:{}", json_string(key), arg_json(value)))
                .collect();
            format!("{{{}}}", crate::core::join(&fields, ","))
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
