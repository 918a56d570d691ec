//! One form field of the settings view, as maud markup: its label, its input (named by the
//! setting's path, `widget.question`), its hint, and the slot where the API's refusal of it
//! is shown (`aria-describedby` names both, so a screen reader reads them with the field).

use maud::{html, Markup};

/// What kind of value an input holds: how `settings.js` reads it into the patch.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Text; empty is "not set".
    Text,
    /// A whole number; empty is "not set" (`null`).
    Number,
    /// On or off.
    Check,
    /// One value per line, as a list.
    Lines,
    /// JSON (an object, or a number for a webhook threshold).
    Json,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::Check => "check",
            Kind::Lines => "lines",
            Kind::Json => "json",
        }
    }
}

/// A field's ids, from the setting's path: the input's, the hint's and the error's.
fn ids(name: &str) -> (String, String, String) {
    let slug = name.replace('.', "-");
    (format!("f-{slug}"), format!("h-{slug}"), format!("e-{slug}"))
}

/// The hint and the error slot under a field.
fn notes(name: &str, hint: &str) -> Markup {
    let (_, hint_id, error_id) = ids(name);
    html! {
        @if !hint.is_empty() { span.hint id=(hint_id) { (hint) } }
        span.field-error id=(error_id) data-error-for=(name) {}
    }
}

/// The `aria-describedby` of a field: its hint (if any) and its error slot.
fn described_by(name: &str, hint: &str) -> String {
    let (_, hint_id, error_id) = ids(name);
    if hint.is_empty() {
        error_id
    } else {
        format!("{hint_id} {error_id}")
    }
}

/// A one-line text field.
pub fn text(name: &str, label: &str, value: &str, hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type="text" name=(name) data-kind=(Kind::Text.name()) value=(value) aria-describedby=(described_by(name, hint));
            (notes(name, hint))
        }
    }
}

/// A secret (never shown back: the field starts empty).
pub fn secret(name: &str, label: &str, hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type="password" name=(name) data-kind=(Kind::Text.name()) autocomplete="off" aria-describedby=(described_by(name, hint));
            (notes(name, hint))
        }
    }
}

/// A whole number, maybe not set; `min` and `max` are hints for the keyboard, the API decides.
pub fn number(name: &str, label: &str, value: Option<i64>, (min, max): (i64, i64), hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field {
            label for=(id) { (label) }
            input #(id) type="number" inputmode="numeric" name=(name) data-kind=(Kind::Number.name()) min=(min) max=(max) step="1"
                value=[value] aria-describedby=(described_by(name, hint));
            (notes(name, hint))
        }
    }
}

/// A choice among `options` (value, label).
pub fn select(name: &str, label: &str, options: &[(&str, &str)], selected: &str, hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field {
            label for=(id) { (label) }
            select #(id) name=(name) data-kind=(Kind::Text.name()) aria-describedby=(described_by(name, hint)) {
                @for (value, text) in options {
                    option value=(value) selected[*value == selected] { (text) }
                }
            }
            (notes(name, hint))
        }
    }
}

/// A setting that is on or off.
pub fn check(name: &str, label: &str, checked: bool, hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field.check {
            input #(id) type="checkbox" name=(name) data-kind=(Kind::Check.name()) checked[checked] aria-describedby=(described_by(name, hint));
            label for=(id) { (label) }
            (notes(name, hint))
        }
    }
}

/// A list, one entry per line.
pub fn lines(name: &str, label: &str, values: &[String], hint: &str) -> Markup {
    let (id, ..) = ids(name);
    html! {
        div.field {
            label for=(id) { (label) }
            textarea #(id) name=(name) data-kind=(Kind::Lines.name()) rows=(values.len().clamp(2, 6)) spellcheck="false"
                aria-describedby=(described_by(name, hint)) { (values.join("\n")) }
            (notes(name, hint))
        }
    }
}

/// JSON text (`value` already written as JSON, or empty): a box of a few lines for an object,
/// one line for a value that is mostly a number.
pub fn json(name: &str, label: &str, value: &str, multiline: bool, hint: &str) -> Markup {
    let (id, ..) = ids(name);
    let described = described_by(name, hint);
    html! {
        div.field {
            label for=(id) { (label) }
            @if multiline {
                textarea #(id) name=(name) data-kind=(Kind::Json.name()) rows="3" spellcheck="false" aria-describedby=(described) { (value) }
            } @else {
                input #(id) type="text" name=(name) data-kind=(Kind::Json.name()) spellcheck="false" value=(value) aria-describedby=(described);
            }
            (notes(name, hint))
        }
    }
}
