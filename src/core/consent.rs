//! The consent state machine: from a stored record (or none) and the visitor's actions to the
//! consent in force, and the effects the web layer must perform at each step.
//!
//! Rules:
//! - With no valid decision, only required categories (and their services) are granted and the
//!   banner is shown.
//! - A record is valid only for the config revision it was given under, until it expires, and
//!   not if it claims to come from the future (a clock set back, or a forged value): each of
//!   those means "ask again", never "grant".
//! - Nothing optional is granted without an explicit action: accept all grants every optional
//!   category and service; reject all and withdraw grant none; choices grant exactly what they
//!   name, and a category's choice carries to the services in it that the choice does not name.
//! - A category or service added to the config since the decision has no decision: it is refused
//!   and the visitor is asked about it, while the rest of the decision stays in force. An old
//!   "accept all" never grants it.
//! - Whatever was granted and no longer is (a withdrawal, a refusal after a grant) is purged: its
//!   cookies and storage keys are deleted.
//! - With Global Privacy Control in the `us` mode, the signal refuses its categories without
//!   asking (method `gpc`), unless the visitor decided while sending it. The signal is never
//!   consent to anything.

use crate::core::config::{Config, Cookie, GpcMode, Service, Signal, quoted};
use crate::core::record::{self, LegacyRecord, Method, Record, Stored};
use std::fmt;

/// Seconds in a day.
pub const DAY: u64 = 24 * 60 * 60;

/// How far in the future a record's timestamp may be before it is void: clocks drift, and a
/// visitor who decided on another device's time should not be asked again for a few minutes'
/// difference, but a record dated next year is not a decision this browser made.
const CLOCK_SKEW: u64 = DAY;

/// The texts hash of a record migrated from version 1, which did not store one.
pub const UNKNOWN_TEXTS_HASH: &str = "0000000000000000";

/// What the browser tells core about the moment of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// Unix seconds by the browser's clock.
    pub now: u64,
    /// The language the visitor is shown the texts in.
    pub language: String,
    /// Whether `navigator.globalPrivacyControl` is true.
    pub gpc: bool,
    /// A fresh consent id ([`record::consent_id`]), used if the action starts a new record.
    pub fresh_id: String,
    /// What the record proves was shown: the texts hash ([`crate::core::texts::texts_hash`]) of
    /// the words the visitor decided on, from whoever showed them (the interface module), or
    /// [`UNKNOWN_TEXTS_HASH`] where consent-gate showed none (a decision through the API, made in
    /// the site's own interface; a refusal by the GPC signal). The gate then needs no words.
    pub texts_hash: String,
}

/// Why the banner is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// No decision is stored (or what is stored does not decode).
    FirstVisit,
    /// The stored decision expired.
    Expired,
    /// The site bumped its config revision.
    NewRevision,
    /// The config declares categories or services the visitor has not decided on.
    Added(Grants),
}

/// A set of categories and services.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grants {
    /// Category ids, in config order.
    pub categories: Vec<String>,
    /// Service ids, in config order.
    pub services: Vec<String>,
}

impl Grants {
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.services.is_empty()
    }
}

/// What changed with a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// No decision was in force before this one.
    pub first: bool,
    /// How it was given.
    pub method: Method,
    /// Optional categories and services granted now and not before.
    pub granted: Grants,
    /// Optional categories and services granted before and not now.
    pub revoked: Grants,
}

/// What to delete because it is no longer consented to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Purge {
    /// The services whose traces are deleted.
    pub services: Vec<String>,
    /// Their declared cookies.
    pub cookies: Vec<Cookie>,
    /// Their declared `localStorage` keys (names or `prefix*` patterns).
    pub storage: Vec<String>,
}

impl Purge {
    fn add(&mut self, service: &Service) {
        self.services.push(service.id.clone());
        self.cookies.extend(service.cookies.iter().cloned());
        self.storage.extend(service.storage.iter().cloned());
    }
}

/// What the web layer must do after a step of the state machine, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store this encoded record (cookie and its mirror) for this many seconds.
    Persist {
        /// The encoded record ([`record::encode`]).
        value: String,
        /// Until the record expires.
        max_age_secs: u64,
    },
    /// Show the banner, for this reason.
    ShowBanner(Prompt),
    /// Remove the banner (and the preferences) if shown: the visitor decided.
    HideBanner,
    /// Delete these cookies and keys.
    Purge(Purge),
    /// Tell Google Consent Mode (and UET and Meta, where enabled) the defaults, before any tag:
    /// the state with no decision.
    ConsentModeDefault(Vec<(Signal, bool)>),
    /// Tell Google Consent Mode (and UET and Meta) the state of all seven signals now.
    ConsentMode(Vec<(Signal, bool)>),
    /// Release every held element whose category or service is in this set (everything granted
    /// now, required ones included).
    Activate(Grants),
    /// Tell the page's code what changed.
    Changed(Change),
    /// Send this consent receipt (JSON) to the config's `logEndpoint`.
    Receipt(String),
    /// Reload the page: something withdrawn had run, and a script cannot be unloaded.
    Reload,
    /// Delete the stored record (cookie and mirror).
    Erase,
    /// Put this lockdown policy in force as a `<meta http-equiv="Content-Security-Policy">`
    /// (`lockdown.meta`), before anything else on the page can load.
    Lockdown(String),
}

/// A visitor's action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Grant every optional category and service.
    AcceptAll,
    /// Refuse every optional category and service.
    RejectAll,
    /// Grant and refuse what is named; keep the rest as decided (refused if never decided).
    Set(Choices),
    /// Take back every grant (the same decision as reject all, given from the preferences or the
    /// API after a grant).
    Withdraw,
}

impl Action {
    /// The action a banner control's `data-consent-action` value stands for.
    pub fn from_control(name: &str) -> Option<Action> {
        match name {
            "accept-all" => Some(Action::AcceptAll),
            "reject-all" => Some(Action::RejectAll),
            _ => None,
        }
    }

    /// The `data-consent-action` value of the control that takes this action, if one does.
    pub fn control(&self) -> Option<&'static str> {
        match self {
            Action::AcceptAll => Some("accept-all"),
            Action::RejectAll => Some("reject-all"),
            Action::Set(_) | Action::Withdraw => None,
        }
    }
}

/// Who acted: the visitor in consent-gate's own UI, or the site's code through the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The banner or the preferences.
    Visitor,
    /// The JS API (recorded as method `api`).
    Api,
}

impl Source {
    /// Who decided through one of consent-gate's controls: the visitor only for the browser's
    /// own (trusted) events; a script's `click()` or `dispatchEvent` is the site deciding.
    pub fn of_event(trusted: bool) -> Source {
        if trusted {
            Source::Visitor
        } else {
            Source::Api
        }
    }
}

/// Per-category and per-service choices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choices {
    /// `(category id, granted)`.
    pub categories: Vec<(String, bool)>,
    /// `(service id, granted)`.
    pub services: Vec<(String, bool)>,
}

/// Choices that name something the config does not allow choosing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceError {
    /// Not a declared category.
    UnknownCategory {
        /// What was named.
        id: String,
        /// The optional categories there are.
        known: Vec<String>,
    },
    /// Not a declared service.
    UnknownService {
        /// What was named.
        id: String,
        /// The services there are.
        known: Vec<String>,
    },
    /// A required category, or a service in one: it cannot be refused.
    Required {
        /// What was named.
        id: String,
    },
}

impl fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChoiceError::UnknownCategory { id, known } => write!(
                f,
                "{} is not a category of this site: the optional categories are {}",
                quoted(id),
                crate::core::join(known, ", ")
            ),
            ChoiceError::UnknownService { id, known } => write!(
                f,
                "{} is not a service of this site: the services are {}",
                quoted(id),
                crate::core::join(known, ", ")
            ),
            ChoiceError::Required { id } => write!(
                f,
                "{} is required by the site and is always granted: it cannot be refused",
                quoted(id)
            ),
        }
    }
}

/// The consent in force on this page view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consent {
    /// The valid record in force.
    record: Option<Record>,
    /// A record that lapsed (expired, older revision): what it granted may have left traces, which
    /// a later refusal purges.
    lapsed: Option<Record>,
    /// Why the visitor is being asked, if they are.
    prompt: Option<Prompt>,
}

impl Consent {
    /// The consent at page load and what to do about it: of the stored values that decode, the one
    /// decided last (migrated if it is of an older version), checked against the config at
    /// `ctx.now`. A copy left behind by an older decision never outvotes a newer one.
    ///
    /// `stored` lists what each store holds, most authoritative first (the cookie, then its
    /// mirror); a store that failed to read gives `None`.
    pub fn restore<I, S>(config: &Config, stored: I, ctx: &Context) -> (Consent, Vec<Effect>)
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        let values: Vec<S> = stored.into_iter().flatten().collect();
        let decoded = record::newest(values.iter().map(AsRef::as_ref)).and_then(record::decode);
        let default = Effect::ConsentModeDefault(Consent::default().consent_mode(config));
        let mut migrated = false;
        let record = match decoded {
            Some(Stored::Current(record)) => Some(record),
            Some(Stored::Legacy(legacy)) => {
                migrated = true;
                Some(migrate(config, &legacy, ctx))
            }
            None => None,
        };
        let consent = Consent::check(config, record, ctx.now);

        let gpc_applies = config.gpc.mode == GpcMode::Us
            && ctx.gpc
            && consent.record.as_ref().is_none_or(|r| {
                !r.gpc
                    && config.gpc_categories().into_iter().any(|id| {
                        r.category(id) == Some(true)
                            || config
                                .services
                                .iter()
                                .any(|s| s.category == id && r.service(&s.id) == Some(true))
                    })
            });
        if gpc_applies {
            let mut refused = Choices::default();
            for id in config.gpc_categories() {
                refused.categories.push((id.to_owned(), false));
            }
            let (decided, mut effects) = consent.decide(config, &refused, Method::Gpc, ctx);
            // Nothing has been released on this page yet: there is nothing to stop.
            effects.retain(|effect| *effect != Effect::Reload);
            effects.insert(0, default);
            // What the signal did not decide is still the visitor's to decide.
            let consent = Consent::check(config, decided.record, ctx.now);
            if let Some(prompt) = &consent.prompt {
                effects.push(Effect::ShowBanner(prompt.clone()));
            }
            lockdown_first(config, &consent, &mut effects);
            return (consent, effects);
        }

        let mut effects = vec![default];
        lockdown_first(config, &consent, &mut effects);
        // A refused tracker that ran before the refusal (or re-created its cookie between the
        // withdrawal's purge and its reload) finds its traces deleted on every page view.
        let leftovers = leftovers(config, &consent);
        if !leftovers.services.is_empty() {
            effects.push(Effect::Purge(leftovers));
        }
        if migrated {
            if let Some(record) = &consent.record {
                effects.push(persist(record, ctx.now));
            }
        }
        if let Some(prompt) = &consent.prompt {
            effects.push(Effect::ShowBanner(prompt.clone()));
        }
        if consent.record.is_some() {
            effects.push(Effect::ConsentMode(consent.consent_mode(config)));
        }
        effects.push(Effect::Activate(consent.grants(config)));
        (consent, effects)
    }

    /// [`Consent::restore`] for the full gate taking over a page the small gate started under a
    /// plan made for the record values `previous` (README, "Two modules"). The page runs under
    /// `previous`, and what the small gate did (the Consent Mode default and state, the lockdown
    /// policy) is not done twice. If the stores hold something else now (`stored`: another tab
    /// decided in between), the third part is that value, to follow as another tab's decision
    /// ([`Consent::follow`]).
    pub fn take_over(
        config: &Config,
        previous: Vec<Option<String>>,
        stored: Vec<Option<String>>,
        ctx: &Context,
    ) -> (Consent, Vec<Effect>, Option<String>) {
        let (consent, mut effects) = Consent::restore(config, previous.clone(), ctx);
        effects.retain(|effect| {
            !matches!(
                effect,
                Effect::ConsentModeDefault(_) | Effect::ConsentMode(_) | Effect::Lockdown(_)
            )
        });
        let moved_on = stored != previous;
        let follow = stored.into_iter().flatten().next().filter(|_| moved_on);
        (consent, effects, follow)
    }

    /// What another tab's message about a newly stored `posted` value means here. The stores
    /// (`stored`, most authoritative first, as at page load) keep the last write whichever
    /// message arrives last, so two tabs deciding at once both settle on what the first of them
    /// holds; where no store keeps a record (the browser refused both), on the later of `posted`
    /// and the decision in force (ties broken by the value). When the stores disagree (two tabs'
    /// writes crossed), the tab that moves writes the settled record to all of them again.
    /// `None` when nothing changes here.
    pub fn follow<I>(
        &self,
        config: &Config,
        stored: I,
        posted: String,
        now: u64,
    ) -> Option<(Consent, Vec<Effect>)>
    where
        I: IntoIterator<Item = Option<String>>,
    {
        let stored: Vec<String> = stored
            .into_iter()
            .flatten()
            .filter(|value| record::decode(value).is_some())
            .collect();
        let value = match stored.first() {
            Some(value) => value.clone(),
            None => {
                let Some(Stored::Current(incoming)) = record::decode(&posted) else {
                    return None;
                };
                let later = self.record.as_ref().is_none_or(|current| {
                    (current.last_changed_at, record::encode(current))
                        < (incoming.last_changed_at, posted.clone())
                });
                if !later {
                    return None;
                }
                posted
            }
        };
        let (consent, mut effects) = self.adopt(config, &value, now)?;
        if stored.iter().any(|other| *other != value) {
            if let Some(record) = &consent.record {
                effects.insert(0, persist(record, now));
            }
        }
        Some((consent, effects))
    }

    /// The consent after another tab of the site stored `value`: the same decision applies here
    /// without a reload (the banner closes, newly granted elements are released, withdrawn ones
    /// purged). `None` when `value` is not a valid record, or is the one in force.
    pub fn adopt(&self, config: &Config, value: &str, now: u64) -> Option<(Consent, Vec<Effect>)> {
        let Some(Stored::Current(record)) = record::decode(value) else {
            return None;
        };
        if self.record.as_ref() == Some(&record) {
            return None;
        }
        let adopted = Consent::check(config, Some(record), now);
        let method = adopted.record.as_ref()?.method;
        let before = self.record.as_ref();
        let (shared, reload) = transition(config, before, before, &adopted, method);
        let mut effects = Vec::new();
        if adopted.prompt.is_none() {
            effects.push(Effect::HideBanner);
        }
        effects.extend(shared);
        if reload {
            effects.push(Effect::Reload);
        }
        Some((adopted, effects))
    }

    /// The consent after the visitor asked to be forgotten (GDPR Art. 17): the stored record is
    /// erased, everything optional is refused and purged, the log endpoint is told, and the visitor
    /// is asked again.
    pub fn forget(&self, config: &Config, ctx: &Context) -> (Consent, Vec<Effect>) {
        let forgotten = Consent {
            prompt: Some(Prompt::FirstVisit),
            ..Consent::default()
        };
        let before = self.record.as_ref();
        let purge = purge(config, before, &forgotten);
        let mut effects = vec![Effect::Erase];
        let reload = config.reload_on_withdraw && !purge.services.is_empty();
        if !purge.services.is_empty() {
            effects.push(Effect::Purge(purge));
        }
        effects.push(Effect::ConsentMode(forgotten.consent_mode(config)));
        if let Some(record) = before {
            effects.push(Effect::Changed(Change {
                first: false,
                method: Method::Api,
                granted: Grants::default(),
                revoked: difference(config, Some(record), None),
            }));
            if config.log_endpoint.is_some() {
                effects.push(Effect::Receipt(erasure_receipt(
                    &record.consent_id,
                    &ctx.fresh_id,
                    ctx.now,
                )));
            }
        }
        if reload {
            effects.push(Effect::Reload);
        } else {
            effects.push(Effect::ShowBanner(Prompt::FirstVisit));
        }
        (forgotten, effects)
    }

    /// The consent after `action` by `source` at `ctx`, and what to do about it.
    ///
    /// # Errors
    /// [`Action::Set`] naming an undeclared or required category or service; the consent is
    /// then unchanged.
    pub fn apply(
        &self,
        config: &Config,
        action: &Action,
        source: Source,
        ctx: &Context,
    ) -> Result<(Consent, Vec<Effect>), ChoiceError> {
        let by_visitor = |method| match source {
            Source::Visitor => method,
            Source::Api => Method::Api,
        };
        let all = |granted: bool| Choices {
            categories: config
                .optional_categories()
                .map(|c| (c.id.clone(), granted))
                .collect(),
            services: Vec::new(),
        };
        Ok(match action {
            Action::AcceptAll => {
                self.decide(config, &all(true), by_visitor(Method::AcceptAll), ctx)
            }
            Action::RejectAll | Action::Withdraw => {
                self.decide(config, &all(false), by_visitor(Method::RejectAll), ctx)
            }
            Action::Set(choices) => {
                check_choices(config, choices)?;
                self.decide(config, choices, by_visitor(Method::Custom), ctx)
            }
        })
    }

    /// The consent at `now` if the record in force lapsed since the page loaded (the web layer
    /// asks when the page becomes visible again); `None` if nothing changed.
    pub fn recheck(&self, config: &Config, now: u64) -> Option<(Consent, Vec<Effect>)> {
        let record = self.record.clone()?;
        let consent = Consent::check(config, Some(record), now);
        if consent.record.is_some() {
            return None;
        }
        let effects = vec![
            Effect::ShowBanner(consent.prompt.clone().unwrap_or(Prompt::Expired)),
            Effect::ConsentMode(consent.consent_mode(config)),
        ];
        Some((consent, effects))
    }

    /// Whether the visitor has a valid decision on record (even if newer parts of the config
    /// still need one).
    pub fn is_decided(&self) -> bool {
        self.record.is_some()
    }

    /// The valid record in force, if any.
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// Why the visitor is being asked, if they are.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// Whether elements of `category` may run: required by the config, or granted by a valid
    /// decision. A category the config does not declare is never granted.
    pub fn is_granted(&self, config: &Config, category: &str) -> bool {
        match config.category(category) {
            None => false,
            Some(c) if c.required => true,
            Some(_) => self
                .record
                .as_ref()
                .is_some_and(|r| r.category(category) == Some(true)),
        }
    }

    /// Whether elements of `service` may run: in a required category, or granted by a valid
    /// decision. A service the config does not declare is never granted.
    pub fn is_service_granted(&self, config: &Config, service: &str) -> bool {
        let Some(s) = config.service(service) else {
            return false;
        };
        match config.category(&s.category) {
            None => false,
            Some(c) if c.required => true,
            Some(_) => self
                .record
                .as_ref()
                .is_some_and(|r| r.service(service) == Some(true)),
        }
    }

    /// Everything granted now, required categories and their services included.
    pub fn grants(&self, config: &Config) -> Grants {
        Grants {
            categories: config
                .categories
                .iter()
                .filter(|c| self.is_granted(config, &c.id))
                .map(|c| c.id.clone())
                .collect(),
            services: config
                .services
                .iter()
                .filter(|s| self.is_service_granted(config, &s.id))
                .map(|s| s.id.clone())
                .collect(),
        }
    }

    /// The state of the seven Consent Mode signals: a signal is granted when a granted category or
    /// service maps it, and denied otherwise.
    pub fn consent_mode(&self, config: &Config) -> Vec<(Signal, bool)> {
        Signal::ALL
            .into_iter()
            .map(|signal| {
                let by_category = config
                    .categories
                    .iter()
                    .any(|c| c.consent_mode.contains(&signal) && self.is_granted(config, &c.id));
                let by_service = config.services.iter().any(|s| {
                    s.consent_mode.contains(&signal) && self.is_service_granted(config, &s.id)
                });
                // Google documents security_storage as storage the site needs: unless the config
                // maps it somewhere, it goes with the required categories.
                let mapped = config
                    .categories
                    .iter()
                    .any(|c| c.consent_mode.contains(&signal))
                    || config
                        .services
                        .iter()
                        .any(|s| s.consent_mode.contains(&signal));
                let by_default = signal == Signal::SecurityStorage
                    && !mapped
                    && config.categories.iter().any(|c| c.required);
                (signal, by_category || by_service || by_default)
            })
            .collect()
    }

    /// `record` checked against the config at `now`: in force, lapsed, or absent.
    fn check(config: &Config, record: Option<Record>, now: u64) -> Consent {
        let Some(record) = record else {
            return Consent {
                prompt: Some(Prompt::FirstVisit),
                ..Consent::default()
            };
        };
        let lapses_at = record
            .expires_at
            .min(record.last_changed_at.saturating_add(expiry_secs(config)));
        let lapsed = |prompt| Consent {
            record: None,
            lapsed: Some(record.clone()),
            prompt: Some(prompt),
        };
        if record.last_changed_at > now.saturating_add(CLOCK_SKEW) {
            return Consent {
                prompt: Some(Prompt::FirstVisit),
                ..Consent::default()
            };
        }
        if record.revision != config.revision {
            return lapsed(Prompt::NewRevision);
        }
        if now >= lapses_at {
            return lapsed(Prompt::Expired);
        }
        let added = Grants {
            categories: config
                .optional_categories()
                .filter(|c| record.category(&c.id).is_none())
                .map(|c| c.id.clone())
                .collect(),
            services: config
                .optional_services()
                .filter(|s| record.service(&s.id).is_none())
                .map(|s| s.id.clone())
                .collect(),
        };
        Consent {
            record: Some(record),
            lapsed: None,
            prompt: (!added.is_empty()).then_some(Prompt::Added(added)),
        }
    }

    /// The new consent from `choices` (already checked), merged over the decision in force.
    fn decide(
        &self,
        config: &Config,
        choices: &Choices,
        method: Method,
        ctx: &Context,
    ) -> (Consent, Vec<Effect>) {
        let before = self.record.as_ref();
        let category_choice = |id: &str| {
            choices
                .categories
                .iter()
                .find(|(c, _)| c == id)
                .map(|(_, g)| *g)
        };
        // The signal decides only what it is about: a GPC record leaves every other category
        // undecided (the banner asks about them) rather than claim refusals never made.
        let only_chosen = method == Method::Gpc;
        let decided = |choice: Option<bool>| match choice {
            Some(granted) => Some(granted),
            None if only_chosen => None,
            None => Some(false),
        };
        let categories: Vec<(String, bool)> = config
            .optional_categories()
            .filter_map(|c| {
                let choice =
                    category_choice(&c.id).or_else(|| before.and_then(|r| r.category(&c.id)));
                decided(choice).map(|granted| (c.id.clone(), granted))
            })
            .collect();
        let services: Vec<(String, bool)> = config
            .optional_services()
            .filter_map(|s| {
                let choice = choices
                    .services
                    .iter()
                    .find(|(id, _)| *id == s.id)
                    .map(|(_, g)| *g)
                    .or_else(|| category_choice(&s.category))
                    .or_else(|| before.and_then(|r| r.service(&s.id)));
                decided(choice).map(|granted| (s.id.clone(), granted))
            })
            .collect();
        let record = Record {
            consent_id: before.map_or_else(|| ctx.fresh_id.clone(), |r| r.consent_id.clone()),
            first_decided_at: before.map_or(ctx.now, |r| r.first_decided_at),
            last_changed_at: ctx.now,
            expires_at: ctx.now.saturating_add(expiry_secs(config)),
            revision: config.revision,
            texts_hash: ctx.texts_hash.clone(),
            language: ctx.language.clone(),
            method,
            gpc: ctx.gpc,
            categories,
            services,
        };
        let after = Consent {
            record: Some(record),
            lapsed: None,
            prompt: None,
        };
        // Only a decision in force released anything on this page; a lapsed one released nothing.
        let previous = before.or(self.lapsed.as_ref());
        let (shared, reload) = transition(config, before, previous, &after, method);

        let mut effects = Vec::new();
        if let Some(record) = &after.record {
            effects.push(persist(record, ctx.now));
        }
        effects.push(Effect::HideBanner);
        effects.extend(shared);
        if config.log_endpoint.is_some() {
            if let Some(record) = &after.record {
                effects.push(Effect::Receipt(decision_receipt(record, &ctx.fresh_id)));
            }
        }
        if reload {
            effects.push(Effect::Reload);
        }
        (after, effects)
    }
}

/// The receipt of a decision: `{"event":"decision","receiptId":..., ...the record}`. The receipt
/// id is fresh for each receipt and stays with it through the outbox: a receipt sent again (its
/// page left before the answer came) is recognised by it.
pub fn decision_receipt(record: &Record, receipt_id: &str) -> String {
    format!(
        "{{\"event\":\"decision\",\"receiptId\":{},{}",
        record::json_string(receipt_id),
        &record.to_json()[1..]
    )
}

/// The receipt of an erasure: which consent was forgotten, and when (with a receipt id too).
pub fn erasure_receipt(consent_id: &str, receipt_id: &str, now: u64) -> String {
    format!(
        "{{\"event\":\"erasure\",\"receiptId\":{},\"consentId\":{},\"erasedAt\":{now}}}",
        record::json_string(receipt_id),
        record::json_string(consent_id)
    )
}

fn expiry_secs(config: &Config) -> u64 {
    u64::from(config.expiry_days) * DAY
}

/// What every change of decision does, in order: delete what `previous` allowed and `after` does
/// not, tell the consent signals, release what `after` grants, announce the change; and whether
/// the page must reload (something granted by `in_force`, the decision this page ran under, was
/// withdrawn, and `reloadOnWithdraw` is on).
fn transition(
    config: &Config,
    in_force: Option<&Record>,
    previous: Option<&Record>,
    after: &Consent,
    method: Method,
) -> (Vec<Effect>, bool) {
    let change = Change {
        first: in_force.is_none(),
        method,
        granted: difference(config, after.record.as_ref(), previous),
        revoked: difference(config, previous, after.record.as_ref()),
    };
    let purge = purge(config, previous, after);
    // A policy in a <meta> can only be tightened: what the visitor just granted loads on the
    // next page view, so the page reloads into it.
    let reload = (config.reload_on_withdraw && in_force.is_some() && !purge.services.is_empty())
        || (config.lockdown.meta && !change.granted.is_empty());
    let mut effects = Vec::new();
    if !purge.services.is_empty() {
        effects.push(Effect::Purge(purge));
    }
    effects.push(Effect::ConsentMode(after.consent_mode(config)));
    effects.push(Effect::Activate(after.grants(config)));
    effects.push(Effect::Changed(change));
    (effects, reload)
}

/// With `lockdown.meta`, the policy for `consent` goes first, before anything can load.
fn lockdown_first(config: &Config, consent: &Consent, effects: &mut Vec<Effect>) {
    if config.lockdown.meta {
        let policy = crate::core::lockdown::content_security_policy(config, consent);
        effects.insert(0, Effect::Lockdown(policy));
    }
}

fn persist(record: &Record, now: u64) -> Effect {
    Effect::Persist {
        value: record::encode(record),
        max_age_secs: record.expires_at.saturating_sub(now),
    }
}

/// Optional categories and services granted in `a` and not in `b`.
fn difference(config: &Config, a: Option<&Record>, b: Option<&Record>) -> Grants {
    let granted_in = |r: Option<&Record>, category: Option<&str>, service: Option<&str>| {
        r.is_some_and(|r| match (category, service) {
            (Some(c), _) => r.category(c) == Some(true),
            (_, Some(s)) => r.service(s) == Some(true),
            _ => false,
        })
    };
    Grants {
        categories: config
            .optional_categories()
            .filter(|c| granted_in(a, Some(&c.id), None) && !granted_in(b, Some(&c.id), None))
            .map(|c| c.id.clone())
            .collect(),
        services: config
            .optional_services()
            .filter(|s| granted_in(a, None, Some(&s.id)) && !granted_in(b, None, Some(&s.id)))
            .map(|s| s.id.clone())
            .collect(),
    }
}

/// The traces to delete: of every service that could have run under `previous` (granted itself,
/// or its whole category granted) and is not granted under `after`.
fn purge(config: &Config, previous: Option<&Record>, after: &Consent) -> Purge {
    let mut purge = Purge::default();
    let Some(previous) = previous else {
        return purge;
    };
    for service in config.optional_services() {
        let could_run = previous.service(&service.id) == Some(true)
            || previous.category(&service.category) == Some(true);
        if could_run && !after.is_service_granted(config, &service.id) {
            purge.add(service);
        }
    }
    purge
}

/// The declared traces of every optional service `consent` does not grant (all of them before a
/// decision): deleting what does not exist costs nothing, and no consent means no cookie.
fn leftovers(config: &Config, consent: &Consent) -> Purge {
    let mut purge = Purge::default();
    for service in config.optional_services() {
        if !consent.is_service_granted(config, &service.id)
            && (!service.cookies.is_empty() || !service.storage.is_empty())
        {
            purge.add(service);
        }
    }
    purge
}

fn check_choices(config: &Config, choices: &Choices) -> Result<(), ChoiceError> {
    for (id, granted) in &choices.categories {
        match config.category(id) {
            None => {
                return Err(ChoiceError::UnknownCategory {
                    id: id.clone(),
                    known: config.optional_categories().map(|c| c.id.clone()).collect(),
                });
            }
            Some(c) if c.required && !granted => {
                return Err(ChoiceError::Required { id: id.clone() });
            }
            Some(_) => {}
        }
    }
    for (id, granted) in &choices.services {
        let Some(service) = config.service(id) else {
            return Err(ChoiceError::UnknownService {
                id: id.clone(),
                known: config.services.iter().map(|s| s.id.clone()).collect(),
            });
        };
        if !granted
            && config
                .category(&service.category)
                .is_some_and(|c| c.required)
        {
            return Err(ChoiceError::Required { id: id.clone() });
        }
    }
    Ok(())
}

/// A version 1 record in today's form: the categories it granted stay granted, every other
/// optional category of its revision was refused, and so were the services in refused categories.
/// Services in granted categories were never shown to the visitor, so they stay undecided and the
/// visitor is asked about them.
fn migrate(config: &Config, legacy: &LegacyRecord, ctx: &Context) -> Record {
    let granted = |id: &str| legacy.granted.iter().any(|g| g == id);
    let categories: Vec<(String, bool)> = config
        .optional_categories()
        .map(|c| (c.id.clone(), granted(&c.id)))
        .collect();
    let services = config
        .optional_services()
        .filter(|s| !granted(&s.category))
        .map(|s| (s.id.clone(), false))
        .collect();
    let method = if categories.iter().all(|(_, g)| !g) {
        Method::RejectAll
    } else if categories.iter().all(|(_, g)| *g) {
        Method::AcceptAll
    } else {
        Method::Custom
    };
    Record {
        consent_id: ctx.fresh_id.clone(),
        first_decided_at: legacy.decided_at,
        last_changed_at: legacy.decided_at,
        expires_at: legacy.decided_at.saturating_add(expiry_secs(config)),
        revision: legacy.revision,
        texts_hash: UNKNOWN_TEXTS_HASH.into(),
        language: config.language.clone(),
        method,
        gpc: false,
        categories,
        services,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
