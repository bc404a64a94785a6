//! The full gate's page view as one state machine: when the interface (banner, dialog, settings
//! button, placeholders' controls) is attached, when it may start, what it shows once it is up,
//! and when consent-gate is ready (README, "Two modules").
//!
//! The web layer reports each browser input (the parser reached `<body>`, the interface started
//! or failed, something asked for the banner, the preferences or the settings button) and does
//! what the answer says; every "whether" and "when" is decided here.

/// Where the interface stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Load {
    /// Not needed so far.
    #[default]
    Idle,
    /// Attached, and waiting for `<body>`.
    Attached,
    /// It is up.
    Up,
    /// It could not start: what it would show stays unshown, and everything optional refused.
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
    /// Attach the interface now: the page has loaded.
    Attach,
    /// Attach the interface when the page's `load` event fires: the button must not hold up a
    /// returning visitor's consented scripts or first paint.
    AttachOnLoad,
    /// Nothing: not shown, or the interface is already arranged.
    Nothing,
}

/// The page view's progress. [`Lifecycle::default`] is a gate that has just started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifecycle {
    load: Load,
    wanted: Wanted,
    /// The interface for the settings button is arranged.
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

    /// Something needs the interface: returns whether to attach it now (not when it is
    /// attached, up, or failed).
    pub fn attach(&mut self) -> bool {
        if self.load != Load::Idle {
            return false;
        }
        self.load = Load::Attached;
        true
    }

    /// Whether the attached interface may start now: `<body>` is there.
    pub fn may_start(&self) -> bool {
        self.load == Load::Attached && self.parsed
    }

    /// The interface started: returns what it is to show now, which was asked for before.
    pub fn started(&mut self) -> Wanted {
        self.load = Load::Up;
        std::mem::take(&mut self.wanted)
    }

    /// The interface could not be started.
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
        if !self.parsed || self.load == Load::Attached || self.ready {
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
    /// shown when the interface starts (attach it).
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
            Button::Attach
        } else {
            Button::AttachOnLoad
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_returning_visitor_is_ready_once_the_body_is_parsed_and_attaches_nothing() {
        let mut page = Lifecycle::new(false);
        assert_eq!(page.settle(), None, "not before <body>");
        assert!(page.parse());
        assert!(!page.parse(), "once");
        assert_eq!(page.settle(), Some(true));
        assert_eq!(page.settle(), None, "announced once");
        assert_eq!(page.load(), Load::Idle);
    }

    #[test]
    fn a_first_visit_attaches_at_once_and_is_ready_when_the_banner_is_up() {
        let mut page = Lifecycle::new(false);
        assert!(!page.show_banner(), "not up: attach first");
        assert!(page.attach());
        assert!(!page.attach(), "attached once");
        assert!(!page.may_start(), "not before <body>");
        assert_eq!(page.settle(), None, "not before <body>");
        assert!(page.parse());
        assert_eq!(page.settle(), None, "attached, not started");
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
    fn an_interface_that_could_not_start_is_not_attached_again_and_the_page_is_ready() {
        let mut page = Lifecycle::new(false);
        assert!(page.attach());
        assert!(page.parse());
        page.fail();
        assert!(!page.attach(), "not attached again");
        assert!(!page.may_start());
        assert_eq!(page.settle(), Some(true), "ready, with everything held");
        assert!(!page.show_banner());
    }

    #[test]
    fn what_was_hidden_before_the_interface_started_is_not_shown() {
        let mut page = Lifecycle::new(false);
        page.show_banner();
        page.show_preferences();
        page.hide();
        page.attach();
        page.parse();
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
    fn the_settings_button_attaches_the_interface_after_load_once() {
        let mut page = Lifecycle::new(false);
        assert_eq!(page.button(false, false), Button::Nothing);
        assert_eq!(page.button(true, false), Button::AttachOnLoad);
        assert_eq!(page.button(true, false), Button::Nothing, "arranged");
        let mut page = Lifecycle::new(false);
        assert_eq!(page.button(true, true), Button::Attach);
        page.attach();
        page.parse();
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
