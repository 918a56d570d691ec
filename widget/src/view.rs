//! DOM building inside the Shadow DOM: elements, text and attributes only — never `innerHTML`
//! with data — and styles through a constructable stylesheet, so the host page's CSS and ours
//! never touch.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::cat;
use sayso_core::{Scale, WidgetConfig};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, HtmlTextAreaElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// What the widget shows.
#[derive(Clone, Copy)]
pub enum Step {
    /// The question and the scale.
    Rate,
    /// The scale with the chosen value, and the optional comment.
    Comment(u8),
    /// Done.
    Thanks,
}

const CSS: &str = include_str!("widget.css");

/// Attaches the shadow root with the widget's stylesheet.
pub fn attach(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(CSS)?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(root)
}

/// Replaces the widget's content with `step`.
pub fn render(root: &ShadowRoot, config: &WidgetConfig, step: Step) -> Result<(), JsValue> {
    let doc = root.owner_document().ok_or("no document")?;
    let panel = doc.create_element("div")?;
    panel.set_attribute("class", "panel")?;
    panel.set_attribute("part", "panel")?;
    let selected = match step {
        Step::Thanks => {
            child(&doc, &panel, "p", &[("class", "thanks"), ("role", "status"), ("tabindex", "-1")], Some(&config.thank_you))?;
            None
        }
        Step::Rate => {
            child(&doc, &panel, "p", &[("id", "question"), ("class", "question")], Some(&config.question))?;
            scale(&doc, &panel, config.scale, None)?;
            None
        }
        Step::Comment(value) => {
            child(&doc, &panel, "p", &[("id", "question"), ("class", "question")], Some(&config.question))?;
            scale(&doc, &panel, config.scale, Some(value))?;
            child(&doc, &panel, "label", &[("for", "comment"), ("class", "follow-up")], Some(&config.follow_up))?;
            let max = number(sayso_core::validate::COMMENT_MAX_CHARS as i64);
            child(&doc, &panel, "textarea", &[("id", "comment"), ("maxlength", &max), ("rows", "3")], None)?;
            let row = child(&doc, &panel, "div", &[("class", "row")], None)?;
            child(&doc, &row, "button", &[("type", "button"), ("data-action", "skip")], Some("No thanks"))?;
            child(&doc, &row, "button", &[("type", "button"), ("data-action", "send"), ("class", "primary")], Some("Send"))?;
            Some(value)
        }
    };
    // Whatever the visitor typed survives a re-render (say, choosing another rating).
    let typed = comment_text(root);
    root.replace_children_with_node_1(&panel);
    if let (Some(text), Some(area)) = (typed, textarea(root)) {
        area.set_value(&text);
    }
    if let Step::Thanks = step {
        // The focused button is gone: move focus to the message so keyboard and screen-reader
        // users land on it rather than at the top of the page.
        if let Some(thanks) = root.query_selector(".thanks")? {
            thanks.unchecked_into::<HtmlElement>().focus()?;
        }
    }
    if let Some(value) = selected {
        // Keep keyboard focus where the visitor left it: on the value they chose.
        if let Some(button) = root.query_selector(&cat(&["[data-value=\"", &number(i64::from(value)), "\"]"]))? {
            button.unchecked_into::<HtmlElement>().focus()?;
        }
    }
    Ok(())
}

/// The buttons of a scale; `selected` is pressed (and, for stars, every star up to it is lit).
fn scale(doc: &Document, panel: &Element, scale: Scale, selected: Option<u8>) -> Result<(), JsValue> {
    let class = cat(&["scale ", scale.as_str()]);
    let group = child(doc, panel, "div", &[("class", &class), ("role", "group"), ("aria-labelledby", "question")], None)?;
    let values: Vec<u8> = match scale {
        // Thumbs up first: the positive answer is the common one.
        Scale::Thumbs => vec![1, 0],
        _ => scale.values().collect(),
    };
    for value in values {
        let digits = number(i64::from(value));
        let (face, label) = match scale {
            Scale::Thumbs if value == 1 => ("\u{1F44D}".to_owned(), "Yes, thumbs up".to_owned()),
            Scale::Thumbs => ("\u{1F44E}".to_owned(), "No, thumbs down".to_owned()),
            Scale::Stars => ("\u{2605}".to_owned(), cat(&[digits.as_str(), " of 5 stars"])),
            Scale::Nps => (digits.clone(), cat(&[digits.as_str(), " out of 10"])),
        };
        let pressed = if selected == Some(value) { "true" } else { "false" };
        let attrs = [("type", "button"), ("data-value", &digits), ("aria-pressed", pressed), ("aria-label", &label)];
        let button = child(doc, &group, "button", &attrs, Some(&face))?;
        if scale == Scale::Stars && selected.is_some_and(|s| value <= s) {
            button.class_list().add_1("lit")?;
        }
    }
    if scale == Scale::Nps {
        let legend = child(doc, panel, "div", &[("class", "legend"), ("aria-hidden", "true")], None)?;
        child(doc, &legend, "span", &[], Some("Not likely"))?;
        child(doc, &legend, "span", &[], Some("Extremely likely"))?;
    }
    Ok(())
}

/// A number as text (without `core::fmt`, which costs the widget kilobytes).
fn number(value: i64) -> String {
    let mut out = String::new();
    sayso_core::wire::push_int(&mut out, value);
    out
}

/// The comment box, if the widget shows one.
pub fn textarea(root: &ShadowRoot) -> Option<HtmlTextAreaElement> {
    root.get_element_by_id("comment")?.dyn_into().ok()
}

/// What the visitor has typed so far.
pub fn comment_text(root: &ShadowRoot) -> Option<String> {
    textarea(root).map(|t| t.value())
}

/// Appends to `parent` an element with attributes and, optionally, text (set as text, never
/// parsed as HTML).
fn child(doc: &Document, parent: &Element, tag: &str, attrs: &[(&str, &str)], text: Option<&str>) -> Result<Element, JsValue> {
    let element = doc.create_element(tag)?;
    for (name, value) in attrs {
        element.set_attribute(name, value)?;
    }
    if text.is_some() {
        element.set_text_content(text);
    }
    parent.append_child(&element)?;
    Ok(element)
}
