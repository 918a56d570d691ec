//! The few JSON pieces the widget writes by hand instead of shipping a JSON library.

use alloc::string::String;

/// Appends `text` as a JSON string, escaped exactly as serde_json escapes it.
pub(crate) fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX_DIGITS[(c as usize) >> 4]));
                out.push(char::from(HEX_DIGITS[(c as usize) & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends an integer in decimal (without `core::fmt`, which the widget avoids for size; and
/// without indexing, whose panic messages would bring it back).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let rest = n.unsigned_abs();
    let mut power = 1u64;
    // `power * 10 <= rest` without overflow (or 128-bit multiplication).
    while power <= rest / 10 {
        power *= 10;
    }
    while power > 0 {
        out.push(char::from(b'0' + (rest / power % 10) as u8));
        power /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_serde_json_escapes_them() {
        for text in ["", "plain", "a\"b\\c", "\n\r\t\u{8}\u{c}", "\u{0}\u{1f}\u{7f}", "ü ✓ 😀 \u{2028}", "end\\"] {
            let mut out = String::new();
            push_json_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap_or_default(), "{text:?}");
        }
    }

    #[test]
    fn integers_are_written_like_display_writes_them() {
        for n in [0, 7, 9, 10, 11, 99, 100, 1_000, 1_763_900_000_000, -1, -10, -99_999, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
