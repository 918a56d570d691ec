//! Visitor text made inert for chat tools' markup (the webhook's Slack-style `text`).

use alloc::string::String;

/// The mentions that ping a whole channel when a chat tool links names.
const MASS_MENTIONS: [&str; 3] = ["here", "channel", "everyone"];

/// `text` with Slack's three control characters escaped (`&` `<` `>` as `&amp;` `&lt;` `&gt;`,
/// which makes `<!channel>`, `<!here>` and `<url|label>` plain text) and a word joiner (U+2060)
/// put after the `@` of `@here`, `@channel` and `@everyone`: it still reads the same, but no
/// longer pings anyone.
pub fn chat_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => {
                out.push('@');
                let rest = &text[at + 1..];
                let mass = MASS_MENTIONS.iter().any(|word| rest.get(..word.len()).is_some_and(|head| head.eq_ignore_ascii_case(word)));
                if mass {
                    out.push('\u{2060}');
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_is_plain_text() {
        assert_eq!(
            chat_escape("<!channel> <!here|x> <https://evil.example|your bank>"),
            "&lt;!channel&gt; &lt;!here|x&gt; &lt;https://evil.example|your bank&gt;"
        );
        assert_eq!(chat_escape("a &lt; b & c"), "a &amp;lt; b &amp; c");
        assert_eq!(chat_escape("@here @Channel @EVERYONE"), "@\u{2060}here @\u{2060}Channel @\u{2060}EVERYONE");
        assert_eq!(chat_escape("mail me@example.com, @hero"), "mail me@example.com, @hero");
        assert_eq!(chat_escape("trailing @ and é@"), "trailing @ and é@");
        assert_eq!(chat_escape("plain text"), "plain text");
    }
}
