//! The interface: the banner, the preferences dialog, the settings button and the placeholders'
//! controls. It is part of the interface module (`consent-gate.ui.js`) with the full gate
//! ([`crate::web::controller`]), which attaches it only when one of them must be shown.
//!
//! It holds no config and no decision: the gate builds each view from its own config, consent
//! and language (core's views) and hands it over, and the interface reports each control used
//! ([`Report`]); the gate's core says what it means.

use crate::core::config::Theme;
use crate::core::texts::Words;
use crate::core::view::{BannerView, Control, PlaceholderView, PreferencesView, Surface};
use crate::web::placeholder::{OnControl, Placeholders};
use crate::web::ui::{Switches, Ui};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// A control used on the interface, and whether the visitor used it (a trusted event) or a
/// script did (then what it decides is the API's, never the visitor's).
pub enum Report {
    /// A control of the banner, the dialog or the settings button.
    Control(Control, Surface, bool),
    /// A placeholder's control, for its embed.
    Placeholder(Control, Element, bool),
}

struct State {
    document: Document,
    ui: Ui,
    placeholders: Placeholders,
    on_placeholder: OnControl,
}

/// The interface on the page. A clone is the same interface.
#[derive(Clone)]
pub struct Interface(Rc<RefCell<State>>);

impl Interface {
    /// Adds the interface to the page (an empty host first in `<body>`); `report` hears every
    /// control used.
    ///
    /// # Errors
    /// The browser refused to add it: the gate then keeps every optional category refused.
    pub fn attach(report: Rc<dyn Fn(Report)>) -> Result<Interface, JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document"))?;
        let to_gate = report.clone();
        let on_control = move |control, surface, trusted| {
            to_gate(Report::Control(control, surface, trusted));
        };
        let ui = Ui::new(&document, on_control)?;
        let on_placeholder: OnControl = Rc::new(move |control, embed, trusted| {
            report(Report::Placeholder(control, embed, trusted));
        });
        Ok(Interface(Rc::new(RefCell::new(State {
            document,
            ui,
            placeholders: Placeholders::default(),
            on_placeholder,
        }))))
    }

    /// Runs `f` on the interface, unless a call to it is still running further up the stack
    /// (a control's report that comes back to ask it again).
    fn with<T>(&self, f: impl FnOnce(&mut State) -> Result<T, JsValue>) -> Result<T, JsValue> {
        match self.0.try_borrow_mut() {
            Ok(mut state) => f(&mut state),
            Err(_) => Err(JsValue::from_str("the interface is busy")),
        }
    }

    /// Shows the banner (replacing one shown).
    ///
    /// # Errors
    /// The browser refused a DOM call.
    pub fn show_banner(&self, view: &BannerView) -> Result<(), JsValue> {
        self.with(|state| state.ui.show_banner(view))
    }

    /// Opens the preferences (replacing an open one).
    ///
    /// # Errors
    /// The browser refused a DOM call.
    pub fn show_preferences(&self, view: &PreferencesView) -> Result<(), JsValue> {
        self.with(|state| state.ui.show_preferences(view))
    }

    /// Removes the banner and closes the preferences; whether either was shown.
    pub fn hide(&self) -> bool {
        self.with(|state| {
            let shown = state.ui.banner().is_some() || state.ui.dialog().is_some();
            state.ui.hide_banner();
            state.ui.hide_preferences();
            Ok(shown)
        })
        .unwrap_or(false)
    }

    /// Closes the preferences; whether they were open.
    pub fn hide_preferences(&self) -> bool {
        self.with(|state| {
            let shown = state.ui.dialog().is_some();
            state.ui.hide_preferences();
            Ok(shown)
        })
        .unwrap_or(false)
    }

    /// Whether the banner and the preferences are shown.
    pub fn shown(&self) -> (bool, bool) {
        self.with(|state| Ok((state.ui.banner().is_some(), state.ui.dialog().is_some())))
            .unwrap_or((false, false))
    }

    /// The dialog's switches: the categories', then the services'.
    ///
    /// # Errors
    /// The interface is busy.
    pub fn toggles(&self) -> Result<(Switches, Switches), JsValue> {
        self.with(|state| Ok(state.ui.toggles()))
    }

    /// Shows the floating settings button in `words` (`Some`), or removes it (`None`).
    ///
    /// # Errors
    /// The browser refused a DOM call.
    pub fn settings_button(&self, shown: Option<(&Words, Theme)>) -> Result<(), JsValue> {
        self.with(|state| match shown {
            Some((words, theme)) => state.ui.show_settings_button(words, theme),
            None => {
                state.ui.hide_settings_button();
                Ok(())
            }
        })
    }

    /// Puts placeholders on held embeds and takes them off released ones; `view` gives each
    /// one's words.
    ///
    /// # Errors
    /// The browser refused a DOM call; embeds not reached keep no placeholder (and stay held).
    pub fn sync_placeholders(
        &self,
        view: &dyn Fn(Option<&str>, Option<&str>) -> PlaceholderView,
    ) -> Result<(), JsValue> {
        self.with(|state| {
            state
                .placeholders
                .sync(&state.document, view, &state.on_placeholder)
        })
    }
}
