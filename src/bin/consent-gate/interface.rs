//! `consent-gate interface`: an interface module file carrying consent-gate's own words for the
//! languages a site offers, made from one file of the same release. The module in every such file
//! is the same and has English compiled in; the other languages' words travel beside it, on the
//! line after [`MARK`] (scripts/bundle.mjs writes it), and the module takes them as it starts.

use consent_gate::core::i18n;

/// What ends the line before the words' literal; the line after it closes the expression.
const MARK: &str = "(/* consent-gate words */";

/// `file` (an interface module file's text) with `words` (i18n::words's text) in place of the
/// words it carries.
pub fn with_words(file: &str, words: &str) -> Result<String, String> {
    let release = format!("__consentGateHandoff(\"{}\")", env!("CARGO_PKG_VERSION"));
    if !file.contains(&release) {
        return Err(format!(
            "is not an interface module file of consent-gate {} (consent-gate.ui.js or consent-gate.ui.en.js of the same release)",
            env!("CARGO_PKG_VERSION")
        ));
    }
    let marks = file.matches(MARK).count();
    let lines: Vec<&str> = file.split('\n').collect();
    let at = lines.iter().position(|line| line.ends_with(MARK));
    let (1, Some(at)) = (marks, at) else {
        return Err(format!(
            "carries {marks} word marks, not one at a line's end"
        ));
    };
    let closed = lines.get(at + 2).is_some_and(|line| line.starts_with(')'));
    if !lines.get(at + 1).is_some_and(|line| line.starts_with('"')) || !closed {
        return Err("its words' line is damaged".to_owned());
    }
    let mut out = lines;
    let literal = literal(words);
    out[at + 1] = &literal;
    Ok(out.join("\n"))
}

/// `text` as a string literal that is safe inside HTML too (no `<`), as the module's is.
fn literal(text: &str) -> String {
    consent_gate::core::record::json_string(text).replace('<', "\\u003c")
}

/// The languages to carry: those named, or the config's that have built-in words (the others
/// are reported: the site's own words show for them), or all.
pub fn languages(
    named: &[String],
    offered: Option<Vec<&str>>,
) -> Result<(String, Vec<String>), String> {
    if let Some(offered) = offered {
        let (known, unknown): (Vec<&str>, Vec<&str>) = offered
            .into_iter()
            .partition(|code| i18n::has_built_in(code));
        let notes = unknown
            .iter()
            .map(|code| format!("{code}: no built-in words; the config's own words show"))
            .collect();
        return Ok((i18n::words(Some(&known))?, notes));
    }
    if named.is_empty() {
        return Ok((i18n::words(None)?, Vec::new()));
    }
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    Ok((i18n::words(Some(&named))?, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(words: &str) -> String {
        format!(
            "\u{feff}a=1;__consentGateHandoff(\"{}\");b={MARK}\n{words}\n);c=2\n",
            env!("CARGO_PKG_VERSION")
        )
    }

    #[test]
    fn the_words_line_is_replaced_and_nothing_else() {
        let out = with_words(&file("\"\""), "de|a\"b<c\\d\ne").unwrap();
        assert_eq!(out, file(r#""de|a\"b\u003cc\\d\ne""#));
        assert_eq!(with_words(&out, "").unwrap(), file("\"\""));
    }

    #[test]
    fn another_release_or_a_damaged_file_is_refused() {
        let other = file("\"\"").replace(env!("CARGO_PKG_VERSION"), "0.0.0-other");
        assert!(
            with_words(&other, "")
                .unwrap_err()
                .contains("not an interface module file")
        );
        let twice = format!("{}{MARK}\n\"\"\n)", file("\"\""));
        assert!(
            with_words(&twice, "")
                .unwrap_err()
                .contains("2 word marks, not one")
        );
        assert!(with_words(&file("x"), "").unwrap_err().contains("damaged"));
    }

    #[test]
    fn a_config_carries_the_words_it_can_and_names_the_others() {
        let (words, notes) = languages(&[], Some(vec!["en", "de-AT", "ja"])).unwrap();
        assert!(words.starts_with("de|") && !words.contains('\n'), "{words}");
        assert_eq!(
            notes,
            ["ja: no built-in words; the config's own words show"]
        );
        assert!(languages(&["de".into(), "xx".into()], None).is_err());
        assert_eq!(languages(&[], None).unwrap().0, i18n::words(None).unwrap());
    }
}
