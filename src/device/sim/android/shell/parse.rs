//! Splitting a command line the way mksh does, for the subset backup tools send: single and double quotes,
//! backslash escapes, `$?`, `;`/`&&`/`||`, pipes and redirections.

/// How a pipeline is joined to the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// `;` (or the first pipeline).
    Always,
    /// `&&`: only after success.
    And,
    /// `||`: only after failure.
    Or,
}

/// Where a redirection points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file path.
    File(String),
    /// `&1`
    Stdout,
    /// `&2`
    Stderr,
}

/// One redirection: `fd>target`, `fd>>target` or `<file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// 0, 1 or 2.
    pub fd: u8,
    /// Where to.
    pub target: Target,
    /// `>>` rather than `>`.
    pub append: bool,
}

/// A command with its words and redirections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// The words, `$?` kept as the marker `"\0?"` to be replaced when the status is known.
    pub words: Vec<String>,
    /// Redirections in order.
    pub redirects: Vec<Redirect>,
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Semicolon,
    And,
    Or,
    Pipe,
    Redirect { fd: u8, append: bool, input: bool },
}

fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    macro_rules! finish_word {
        () => {
            if in_word {
                tokens.push(Token::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => finish_word!(),
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("syntax error: unterminated quoted string".into()),
                        },
                        Some('$') if chars.peek() == Some(&'?') => {
                            chars.next();
                            word.push_str("\u{0}?");
                        }
                        Some(c) => word.push(c),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => word.push(c),
                }
            }
            '$' if chars.peek() == Some(&'?') => {
                chars.next();
                in_word = true;
                word.push_str("\u{0}?");
            }
            ';' => {
                finish_word!();
                tokens.push(Token::Semicolon);
            }
            '&' if chars.peek() == Some(&'&') => {
                chars.next();
                finish_word!();
                tokens.push(Token::And);
            }
            '|' if chars.peek() == Some(&'|') => {
                chars.next();
                finish_word!();
                tokens.push(Token::Or);
            }
            '|' => {
                finish_word!();
                tokens.push(Token::Pipe);
            }
            '>' | '<' => {
                // A lone digit right before the operator is its file descriptor (`2>`).
                let fd = if in_word && (word == "1" || word == "2" || word == "0") {
                    let fd = word.parse().unwrap_or(1);
                    word.clear();
                    in_word = false;
                    fd
                } else {
                    finish_word!();
                    if c == '<' { 0 } else { 1 }
                };
                let append = c == '>' && chars.peek() == Some(&'>');
                if append {
                    chars.next();
                }
                tokens.push(Token::Redirect { fd, append, input: c == '<' });
                // `>&2` duplicates a descriptor: the `&` belongs to the target, not to a background job.
                if chars.peek() == Some(&'&') {
                    chars.next();
                    word.push('&');
                    in_word = true;
                }
            }
            '&' => return Err("syntax error: background jobs are not supported".into()),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// Parses a line into pipelines joined by connectors.
pub fn parse(line: &str) -> Result<Vec<(Connector, Vec<SimpleCommand>)>, String> {
    let mut pipelines = Vec::new();
    let mut connector = Connector::Always;
    let mut pipeline: Vec<SimpleCommand> = Vec::new();
    let mut command = SimpleCommand::default();
    let mut tokens = tokenize(line)?.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(word) => command.words.push(word),
            Token::Redirect { fd, append, input } => {
                let target = match tokens.next() {
                    Some(Token::Word(word)) => match word.as_str() {
                        "&1" if !input => Target::Stdout,
                        "&2" if !input => Target::Stderr,
                        _ => Target::File(word),
                    },
                    _ => return Err("syntax error: redirection without a target".into()),
                };
                command.redirects.push(Redirect { fd, target, append });
            }
            Token::Pipe => {
                if command.words.is_empty() {
                    return Err("syntax error: '|' unexpected".into());
                }
                pipeline.push(std::mem::take(&mut command));
            }
            Token::Semicolon | Token::And | Token::Or => {
                if command.words.is_empty() && command.redirects.is_empty() {
                    if token == Token::Semicolon && pipeline.is_empty() {
                        continue;
                    }
                    return Err("syntax error: unexpected operator".into());
                }
                pipeline.push(std::mem::take(&mut command));
                pipelines.push((connector, std::mem::take(&mut pipeline)));
                connector = match token {
                    Token::And => Connector::And,
                    Token::Or => Connector::Or,
                    _ => Connector::Always,
                };
            }
        }
    }
    if !command.words.is_empty() || !command.redirects.is_empty() {
        pipeline.push(command);
    }
    if !pipeline.is_empty() {
        pipelines.push((connector, pipeline));
    } else if connector != Connector::Always {
        return Err("syntax error: unexpected end of line".into());
    }
    Ok(pipelines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        parse(line).unwrap()[0].1[0].words.clone()
    }

    #[test]
    fn splits_words_and_quotes_like_mksh() {
        assert_eq!(
            words("content query --where \"name='x y'\""),
            ["content", "query", "--where", "name='x y'"]
        );
        assert_eq!(words("echo 'a \"b\"' c\\ d"), ["echo", "a \"b\"", "c d"]);
        assert_eq!(words("echo \"a\\\"b\\\\c\""), ["echo", "a\"b\\c"]);
        assert_eq!(words("echo ''"), ["echo", ""]);
        assert_eq!(words("echo $?"), ["echo", "\u{0}?"]);
    }

    #[test]
    fn parses_connectors_pipes_and_redirections() {
        let parsed = parse("ls /x 2>/dev/null || echo missing; echo done && echo ok").unwrap();
        assert_eq!(parsed.len(), 4);
        assert_eq!(
            parsed[0].1[0].redirects,
            [Redirect { fd: 2, target: Target::File("/dev/null".into()), append: false }]
        );
        assert_eq!(parsed[1].0, Connector::Or);
        assert_eq!(parsed[3].0, Connector::And);
        let piped = parse("cat a | cat >> /sdcard/b 2>&1").unwrap();
        assert_eq!(piped[0].1.len(), 2);
        assert_eq!(
            piped[0].1[1].redirects[0],
            Redirect { fd: 1, target: Target::File("/sdcard/b".into()), append: true }
        );
        assert_eq!(piped[0].1[1].redirects[1], Redirect { fd: 2, target: Target::Stdout, append: false });
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parse("echo 'open").is_err());
        assert!(parse("echo a &&").is_err());
        assert!(parse("| echo").is_err());
        assert!(parse("echo >").is_err());
        assert!(parse("sleep 1 &").is_err());
    }
}
