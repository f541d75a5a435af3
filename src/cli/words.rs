//! Splitting a typed command line into words as a shell would for the simple cases people
//! type: whitespace separates words, `"..."` and `'...'` quote, and a backslash keeps the next
//! character (a space in a path: `my\ captures` or `"my captures"`). No variables, globs or
//! other expansions: the words are used as they are.

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    #[error("a quote ({0}) is not closed")]
    UnclosedQuote(char),
    #[error("the line ends with a lone backslash")]
    TrailingBackslash,
}

/// The words of `line`.
pub fn split(line: &str) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word has started (so `""` is an empty word, not nothing).
    let mut started = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            '\\' => {
                word.push(chars.next().ok_or(WordsError::TrailingBackslash)?);
                started = true;
            }
            '\'' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnclosedQuote('\'')),
                    }
                }
            }
            '"' => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        // Inside double quotes a backslash keeps only `"` and `\`.
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(WordsError::UnclosedQuote('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnclosedQuote('"')),
                    }
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_keep_spaces_in_a_word() {
        assert_eq!(
            split(r#"a  "b c" 'd e' f\ g "h\"i" 'j\k' """#).unwrap(),
            ["a", "b c", "d e", "f g", "h\"i", "j\\k", ""]
        );
        assert_eq!(split("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split("x\"y z\"w").unwrap(), ["xy zw"]);
    }

    #[test]
    fn an_unclosed_quote_or_trailing_backslash_is_an_error() {
        assert_eq!(split("a \"b"), Err(WordsError::UnclosedQuote('"')));
        assert_eq!(split("a 'b"), Err(WordsError::UnclosedQuote('\'')));
        assert_eq!(split("a\\"), Err(WordsError::TrailingBackslash));
    }
}
