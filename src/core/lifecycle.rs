//! The gate's page view as one state machine: when the interface module is fetched, when it may
//! start, what it shows once it is up, and when consent-gate is ready (README, "Two modules").
//!
//! The web layer reports each browser input (the parser reached `<body>`, the interface arrived,
//! started or failed, something asked for the banner, the preferences or the settings button) and
//! does what the answer says; every "whether" and "when" is decided here.

/// Where the interface module stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Load {
    /// Not needed so far.
    #[default]
    Idle,
    /// Its `<script>` is on the way.
    Loading,
    /// It has loaded and attached, and waits for `<body>`.
    Arrived,
    /// It is up.
    Up,
    /// It could not be had: what it would show stays unshown, and everything optional refused.
    Failed,
}

/// What the interface should show once it is up: asked for before it was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    /// The banner.
    pub banner: bool,
    /// The preferences dialog.
    pub preferences: bool,
}

/// What to do about the settings button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// Tell the interface (it is up) whether to show it.
    Draw(bool),
    /// Fetch the interface now: the page has loaded.
    Fetch,
    /// Fetch the interface when the page's `load` event fires: the button must not hold up a
    /// returning visitor's consented scripts or first paint.
    FetchOnLoad,
    /// Nothing: not shown, or the fetch is already arranged.
    Nothing,
}

/// The page view's progress. [`Lifecycle::default`] is a gate that has just started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifecycle {
    load: Load,
    wanted: Wanted,
    /// The fetch for the settings button is arranged.
    button_arranged: bool,
    /// `<body>` is there: what the consent calls for may be shown.
    parsed: bool,
    ready: bool,
    /// Another gate (the small one) announced readiness already.
    quiet: bool,
}

impl Lifecycle {
    /// A page view whose readiness was already announced (by the small gate) when `quiet`.
    pub fn new(quiet: bool) -> Lifecycle {
        Lifecycle {
            quiet,
            ..Lifecycle::default()
        }
    }

    /// Where the interface stands.
    pub fn load(&self) -> Load {
        self.load
    }

    /// Whether the interface is up, so that it can be asked to show things.
    pub fn is_up(&self) -> bool {
        self.load == Load::Up
    }

    /// Something needs the interface: returns whether to start fetching it now (not when it is
    /// here, on the way, or failed).
    pub fn fetch(&mut self) -> bool {
        if self.load != Load::Idle {
            return false;
        }
        self.load = Load::Loading;
        true
    }

    /// The interface's script finished loading (its `load` or `error` event): returns whether
    /// that is a failure, because it did not attach while it ran.
    pub fn script_done(&self) -> bool {
        self.load == Load::Loading
    }

    /// The interface attached as `version`; the gate is `ours`.
    ///
    /// # Errors
    /// It is another release's (nothing else may drive this gate): the message says what to fix.
    pub fn arrive(&mut self, version: &str, ours: &str) -> Result<(), String> {
        if version != ours {
            return Err(format!(
                "it is version {}, the gate {ours}: serve both files from the same release",
                crate::core::config::quoted(version),
            ));
        }
        self.load = Load::Arrived;
        Ok(())
    }

    /// Whether the interface that arrived may start now: `<body>` is there.
    pub fn may_start(&self) -> bool {
        self.load == Load::Arrived && self.parsed
    }

    /// The interface started: returns what it is to show now, which was asked for before.
    pub fn started(&mut self) -> Wanted {
        self.load = Load::Up;
        std::mem::take(&mut self.wanted)
    }

    /// The interface could not be loaded or started.
    pub fn fail(&mut self) {
        self.load = Load::Failed;
    }

    /// The parser reached `<body>` (or the page was past parsing): returns whether this is the
    /// first time, when what the consent calls for is shown.
    pub fn parse(&mut self) -> bool {
        !std::mem::replace(&mut self.parsed, true)
    }

    /// A parsed element is reported: returns whether it is `<body>` arriving (else the element
    /// is only to be released, if granted).
    pub fn body_arrives(&self, body: bool) -> bool {
        body && !self.parsed
    }

    /// Asks to be ready: `<body>` is parsed and the interface, if it was needed, is up or could
    /// not be had. Returns, once, `Some(announce)`: ready now, and whether to dispatch the ready
    /// event (not when the small gate did).
    pub fn settle(&mut self) -> Option<bool> {
        let pending = matches!(self.load, Load::Loading | Load::Arrived);
        if !self.parsed || pending || self.ready {
            return None;
        }
        self.ready = true;
        Some(!self.quiet)
    }

    /// Whether consent-gate is ready.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// The banner is to be shown: returns whether the interface can show it now; if not, it is
    /// shown when the interface starts (fetch it).
    pub fn show_banner(&mut self) -> bool {
        self.wanted.banner = !self.is_up();
        self.is_up()
    }

    /// The preferences are to be shown: as [`Lifecycle::show_banner`].
    pub fn show_preferences(&mut self) -> bool {
        self.wanted.preferences = !self.is_up();
        self.is_up()
    }

    /// The preferences were closed without a decision.
    pub fn close_preferences(&mut self) {
        self.wanted.preferences = false;
    }

    /// The banner and the preferences were hidden (a decision, or the API's `hide()`): neither
    /// is shown when the interface starts.
    pub fn hide(&mut self) {
        self.wanted = Wanted::default();
    }

    /// The settings button should be `visible`; `loaded` says whether the page's `load` event
    /// has fired.
    pub fn button(&mut self, visible: bool, loaded: bool) -> Button {
        if self.is_up() {
            return Button::Draw(visible);
        }
        if !visible || std::mem::replace(&mut self.button_arranged, true) {
            return Button::Nothing;
        }
        if loaded {
            Button::Fetch
        } else {
            Button::FetchOnLoad
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_returning_visitor_is_ready_once_the_body_is_parsed_and_fetches_nothing() {
        let mut page = Lifecycle::new(false);
        assert_eq!(page.settle(), None, "not before <body>");
        assert!(page.parse());
        assert!(!page.parse(), "once");
        assert_eq!(page.settle(), Some(true));
        assert_eq!(page.settle(), None, "announced once");
        assert_eq!(page.load(), Load::Idle);
    }

    #[test]
    fn a_first_visit_fetches_at_once_and_is_ready_when_the_banner_is_up() {
        let mut page = Lifecycle::new(false);
        assert!(!page.show_banner(), "not up: fetch first");
        assert!(page.fetch());
        assert!(!page.fetch(), "one fetch");
        assert!(page.parse());
        assert_eq!(page.settle(), None, "the interface is on the way");
        assert_eq!(page.arrive("1.0.0", "1.0.0"), Ok(()));
        assert_eq!(page.settle(), None, "arrived, not started");
        assert!(page.may_start());
        assert_eq!(
            page.started(),
            Wanted {
                banner: true,
                preferences: false
            }
        );
        assert!(page.show_banner(), "up: shown at once");
        assert_eq!(page.settle(), Some(true));
    }

    #[test]
    fn an_interface_that_arrives_before_the_body_waits_for_it() {
        let mut page = Lifecycle::new(false);
        assert!(page.fetch());
        assert_eq!(page.arrive("1.0.0", "1.0.0"), Ok(()));
        assert!(!page.may_start());
        assert!(page.parse());
        assert!(page.may_start());
    }

    #[test]
    fn another_release_of_the_interface_fails_and_says_what_to_fix() {
        let mut page = Lifecycle::new(false);
        assert!(page.fetch());
        assert_eq!(
            page.arrive("0.9.0", "1.0.0"),
            Err(
                r#"it is version "0.9.0", the gate 1.0.0: serve both files from the same release"#
                    .into()
            )
        );
        assert!(
            page.script_done(),
            "the script's load event is then a failure"
        );
        page.fail();
        assert!(!page.fetch(), "not fetched again");
        assert!(page.parse());
        assert_eq!(page.settle(), Some(true), "ready, with everything held");
        assert!(!page.show_banner());
    }

    #[test]
    fn a_script_that_attached_is_not_failed_by_its_load_event() {
        let mut page = Lifecycle::new(false);
        assert!(page.fetch());
        assert_eq!(page.arrive("1.0.0", "1.0.0"), Ok(()));
        assert!(!page.script_done());
    }

    #[test]
    fn what_was_hidden_before_the_interface_started_is_not_shown() {
        let mut page = Lifecycle::new(false);
        page.show_banner();
        page.show_preferences();
        page.hide();
        page.fetch();
        page.parse();
        page.arrive("1", "1").ok();
        assert_eq!(page.started(), Wanted::default());

        let mut page = Lifecycle::new(false);
        page.show_banner();
        page.show_preferences();
        page.close_preferences();
        assert_eq!(
            page.started(),
            Wanted {
                banner: true,
                preferences: false
            }
        );
    }

    #[test]
    fn the_settings_button_fetches_the_interface_after_load_once() {
        let mut page = Lifecycle::new(false);
        assert_eq!(page.button(false, false), Button::Nothing);
        assert_eq!(page.button(true, false), Button::FetchOnLoad);
        assert_eq!(page.button(true, false), Button::Nothing, "arranged");
        let mut page = Lifecycle::new(false);
        assert_eq!(page.button(true, true), Button::Fetch);
        page.fetch();
        page.parse();
        page.arrive("1", "1").ok();
        page.started();
        assert_eq!(page.button(false, true), Button::Draw(false));
    }

    #[test]
    fn a_body_arrives_once() {
        let mut page = Lifecycle::new(false);
        assert!(!page.body_arrives(false));
        assert!(page.body_arrives(true));
        page.parse();
        assert!(!page.body_arrives(true), "later elements are released");
    }

    #[test]
    fn readiness_the_small_gate_announced_is_not_announced_again() {
        let mut page = Lifecycle::new(true);
        page.parse();
        assert_eq!(page.settle(), Some(false));
        assert!(page.is_ready());
    }
}
