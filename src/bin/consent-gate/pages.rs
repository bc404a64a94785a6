//! Pages: which tags would reach a declared service unheld, and the same page with them held.
//! HTML is read with `lol_html` (a streaming HTML rewriter): a rewrite changes the tags it must
//! and leaves every other byte as it was. Which service a URL or a snippet belongs to is core's
//! decision (`autoblock`), as in the browser.

use consent_gate::core::autoblock;
use consent_gate::core::config::{Config, Service};
use consent_gate::core::contract::{
    ATTR_CATEGORY, ATTR_SERVICE, ATTR_TYPE, BLOCKED_SCRIPT_TYPE, CONFIG_ELEMENT_ID,
    PLAN_ELEMENT_ID, URL_ATTRIBUTES, held_attribute,
};
use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, rewrite_str, text};
use std::cell::RefCell;

/// The attributes an element requests a URL through (held as `data-*`), as the page's gate holds
/// them; HTML tag names match in any case (`feimage` is SVG's `feImage`).
fn url_attributes(tag: &str) -> &'static [&'static str] {
    URL_ATTRIBUTES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(tag))
        .map_or(&[], |(_, names)| *names)
}

/// One finding on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line of the tag.
    pub line: usize,
    /// What was found, in a sentence.
    pub message: String,
}

/// What a tag is, for the pages' two passes: its index among the page's elements of that kind.
#[derive(Default)]
struct Scan {
    findings: Vec<Finding>,
    /// The services of the inline scripts, by their index among the page's scripts.
    inline: Vec<Option<String>>,
}

fn line_of(html: &str, element: &Element<'_, '_>) -> usize {
    let at = element.source_location().bytes().start.min(html.len());
    html.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Whether an element is already held (markup consent-gate releases, or that it never loads).
fn held(element: &Element<'_, '_>) -> bool {
    element.has_attribute(ATTR_CATEGORY)
        || element.has_attribute(ATTR_SERVICE)
        || element
            .get_attribute("type")
            .is_some_and(|t| t.eq_ignore_ascii_case(BLOCKED_SCRIPT_TYPE))
}

/// The service an element's URL attributes would reach, with the attribute.
fn reached<'c>(config: &'c Config, element: &Element<'_, '_>) -> Option<(&'c Service, String)> {
    let tag = element.tag_name();
    url_attributes(&tag).iter().find_map(|name| {
        let value = element.get_attribute(name)?;
        // A srcset lists URLs: any one of them reaching a service is enough.
        value
            .split([' ', ','])
            .find_map(|url| autoblock::service_for(config, url.trim()))
            .map(|service| (service, (*name).to_owned()))
    })
}

/// Every tag on the page that would reach a declared service unheld, and held markup that names
/// a category or service the config does not declare (it would never be released).
pub fn check(config: &Config, html: &str) -> Result<Vec<Finding>, String> {
    let scan = scan(config, html)?;
    Ok(scan.findings)
}

fn scan(config: &Config, html: &str) -> Result<Scan, String> {
    let scan = RefCell::new(Scan::default());
    let script_text = RefCell::new(String::new());
    let script_line = RefCell::new(0);
    // The inline script being read: its index in `inline`, and whether it is already held.
    let current: RefCell<Option<(usize, bool)>> = RefCell::new(None);
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("*", |el| {
                    let line = line_of(html, el);
                    let mut scan = scan.borrow_mut();
                    if held(el) {
                        for (attribute, known) in [
                            (ATTR_CATEGORY, config.category(&el.get_attribute(ATTR_CATEGORY).unwrap_or_default()).is_some()),
                            (ATTR_SERVICE, config.service(&el.get_attribute(ATTR_SERVICE).unwrap_or_default()).is_some()),
                        ] {
                            if let Some(value) = el.get_attribute(attribute).filter(|_| !known) {
                                scan.findings.push(Finding {
                                    line,
                                    message: format!("<{}> names {attribute}=\"{value}\", which the config does not declare: it would never be released", el.tag_name()),
                                });
                            }
                        }
                    } else if let Some((service, attribute)) = reached(config, el) {
                        scan.findings.push(Finding {
                            line,
                            message: format!(
                                "<{} {attribute}=\"{}\"> reaches {} unheld: it is requested before consent (consent-gate hold rewrites it)",
                                el.tag_name(),
                                el.get_attribute(&attribute).unwrap_or_default(),
                                service.id
                            ),
                        });
                    }
                    if el.tag_name() == "script" {
                        *script_line.borrow_mut() = line;
                        script_text.borrow_mut().clear();
                        *current.borrow_mut() = (!el.has_attribute("src")).then(|| {
                            scan.inline.push(None);
                            (scan.inline.len() - 1, held(el))
                        });
                    }
                    Ok(())
                }),
                text!("script", |chunk| {
                    script_text.borrow_mut().push_str(chunk.as_str());
                    let Some((index, already)) = *current.borrow() else {
                        return Ok(());
                    };
                    if chunk.last_in_text_node() && !already {
                        let service = autoblock::service_named_in(config, &script_text.borrow());
                        if let Some(service) = service {
                            let mut scan = scan.borrow_mut();
                            scan.findings.push(Finding {
                                line: *script_line.borrow(),
                                message: format!("an inline <script> loads {} unheld: it runs before consent (consent-gate hold rewrites it)", service.id),
                            });
                            scan.inline[index] = Some(service.id.clone());
                        }
                    }
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| format!("cannot be read as HTML: {e}"))?;
    Ok(scan.into_inner())
}

/// The page with every tag that would reach a declared service unheld turned into held markup:
/// `type="text/plain"` on scripts (an earlier `type` kept as `data-type`), URLs moved to `data-*`,
/// and the service and its category named. Running it again changes nothing.
pub fn hold(config: &Config, html: &str) -> Result<String, String> {
    let inline = scan(config, html)?.inline;
    let scripts = RefCell::new(0usize);
    let mark = |el: &mut Element<'_, '_>,
                service: &Service|
     -> Result<(), lol_html::errors::AttributeNameError> {
        el.set_attribute(ATTR_CATEGORY, &service.category)?;
        el.set_attribute(ATTR_SERVICE, &service.id)
    };
    let make_inert =
        |el: &mut Element<'_, '_>| -> Result<(), lol_html::errors::AttributeNameError> {
            if let Some(kind) = el.get_attribute("type") {
                el.set_attribute(ATTR_TYPE, &kind)?;
            }
            el.set_attribute("type", BLOCKED_SCRIPT_TYPE)
        };
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![element!("*", |el| {
                let is_script = el.tag_name() == "script";
                let index = *scripts.borrow();
                if is_script && !el.has_attribute("src") {
                    *scripts.borrow_mut() += 1;
                }
                if held(el) {
                    return Ok(());
                }
                if let Some((service, _)) = reached(config, el) {
                    mark(el, service)?;
                    if is_script {
                        make_inert(el)?;
                    } else {
                        for name in url_attributes(&el.tag_name()) {
                            let held = held_attribute(name);
                            if let (Some(value), Some(held)) = (el.get_attribute(name), held) {
                                el.set_attribute(held, &value)?;
                                el.remove_attribute(name);
                            }
                        }
                    }
                } else if is_script && !el.has_attribute("src") {
                    let service = inline.get(index).cloned().flatten();
                    if let Some(service) = service.and_then(|id| config.service(&id)) {
                        mark(el, service)?;
                        make_inert(el)?;
                    }
                }
                Ok(())
            })],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| format!("cannot be rewritten: {e}"))
}

/// The text of the page's config element, as the browser's `textContent` reads it (a script's
/// text is never decoded), or `None` if the page has none.
pub fn config_element_text(html: &str) -> Result<Option<String>, String> {
    let found: RefCell<Option<String>> = RefCell::new(None);
    let selector = format!("script#{CONFIG_ELEMENT_ID}");
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![text!(selector, |chunk| {
                let mut found = found.borrow_mut();
                found
                    .get_or_insert_with(String::new)
                    .push_str(chunk.as_str());
                Ok(())
            })],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| format!("cannot be read as HTML: {e}"))?;
    Ok(found.into_inner())
}

/// The page carrying `plan` (its element's text) right after its config element, in place of any
/// plan it carried before; every other byte as it was.
pub fn carry_plan(html: &str, plan: &str) -> Result<String, String> {
    let element =
        format!("<script type=\"application/json\" id=\"{PLAN_ELEMENT_ID}\">{plan}</script>");
    let config = format!("script#{CONFIG_ELEMENT_ID}");
    let old = format!("script#{PLAN_ELEMENT_ID}");
    rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!(old, |el| {
                    el.remove();
                    Ok(())
                }),
                element!(config, |el| {
                    el.after(&element, ContentType::Html);
                    Ok(())
                }),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|e| format!("cannot be rewritten: {e}"))
}
