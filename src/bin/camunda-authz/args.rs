//! Command-line arguments: `--name value`, `--name=value`, flags, `--` and positionals, checked
//! against each command's list of options. Every message quotes input through [`shown`].

use std::time::{SystemTime, UNIX_EPOCH};

use crate::output::shown;
use crate::Fail;

/// One option a command accepts.
pub struct Spec {
    name: &'static str,
    /// The value's placeholder for messages; `None` for a flag without a value.
    value: Option<&'static str>,
    repeat: bool,
}

pub const fn opt(name: &'static str, value: &'static str) -> Spec {
    Spec {
        name,
        value: Some(value),
        repeat: false,
    }
}

pub const fn many(name: &'static str, value: &'static str) -> Spec {
    Spec {
        name,
        value: Some(value),
        repeat: true,
    }
}

pub const fn flag(name: &'static str) -> Spec {
    Spec {
        name,
        value: None,
        repeat: false,
    }
}

/// A command's parsed arguments.
#[derive(Default)]
pub struct Args {
    options: Vec<(&'static str, String)>,
    pub positionals: Vec<String>,
    pub help: bool,
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.options
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| *n == name)
    }
}

pub fn parse(command: &'static str, specs: &[Spec], argv: &[String]) -> Result<Args, Fail> {
    let mut args = Args::default();
    let mut items = argv.iter();
    while let Some(arg) = items.next() {
        if arg == "--" {
            args.positionals.extend(items.by_ref().cloned());
            break;
        }
        if arg == "--help" || arg == "-h" {
            args.help = true;
            return Ok(args);
        }
        let Some(body) = arg.strip_prefix("--") else {
            if arg.len() > 1 && arg.starts_with('-') {
                return Err(Fail::usage(
                    command,
                    format!("error: unknown option `{}` for `{command}`", shown(arg)),
                ));
            }
            args.positionals.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (body, None),
        };
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            return Err(Fail::usage(
                command,
                format!("error: unknown option `--{}` for `{command}`", shown(name)),
            ));
        };
        let name = spec.name;
        if !spec.repeat && args.has(name) {
            return Err(Fail::usage(
                command,
                format!("error: option `--{name}` is given more than once"),
            ));
        }
        let value = match (spec.value, inline) {
            (None, None) => String::new(),
            (None, Some(_)) => {
                return Err(Fail::usage(
                    command,
                    format!("error: option `--{name}` takes no value"),
                ))
            }
            (Some(_), Some(value)) => value.to_owned(),
            (Some(placeholder), None) => match items.next() {
                Some(value) if !value.starts_with("--") => value.clone(),
                Some(value) => {
                    return Err(Fail::usage(
                        command,
                        format!(
                            "error: option `--{name}` needs a value ({placeholder}), not the option `{}`",
                            shown(value)
                        ),
                    ))
                }
                None => {
                    return Err(Fail::usage(
                        command,
                        format!("error: option `--{name}` needs a value ({placeholder})"),
                    ))
                }
            },
        };
        args.options.push((name, value));
    }
    Ok(args)
}

/// The single positional argument, named `what` in messages.
pub fn one_positional<'a>(
    command: &'static str,
    args: &'a Args,
    what: &str,
) -> Result<&'a str, Fail> {
    match args.positionals.as_slice() {
        [one] => Ok(one.as_str()),
        [] => Err(Fail::usage(command, format!("error: missing {what}"))),
        [_, extra, ..] => Err(Fail::usage(
            command,
            format!(
                "error: unexpected argument `{}`; `{command}` takes one {what}",
                shown(extra)
            ),
        )),
    }
}

/// No positional argument at all.
pub fn no_positional(command: &'static str, args: &Args, why: &str) -> Result<(), Fail> {
    match args.positionals.first() {
        Some(extra) => Err(Fail::usage(
            command,
            format!("error: unexpected argument `{}`; {why}", shown(extra)),
        )),
        None => Ok(()),
    }
}

pub fn required<'a>(command: &'static str, args: &'a Args, name: &str) -> Result<&'a str, Fail> {
    args.get(name).ok_or_else(|| {
        Fail::usage(
            command,
            format!("error: missing required option `--{name}`"),
        )
    })
}

fn integer(command: &'static str, args: &Args, name: &str) -> Result<Option<i64>, Fail> {
    let Some(text) = args.get(name) else {
        return Ok(None);
    };
    text.trim().parse::<i64>().map(Some).map_err(|_| {
        Fail::usage(
            command,
            format!(
                "error: option `--{name}` must be a whole number of seconds, not `{}`",
                shown(text)
            ),
        )
    })
}

/// A whole number of seconds from 0 to `max`.
pub fn seconds_up_to(
    command: &'static str,
    args: &Args,
    name: &str,
    max: i64,
) -> Result<Option<i64>, Fail> {
    match integer(command, args, name)? {
        Some(n) if !(0..=max).contains(&n) => Err(Fail::usage(
            command,
            format!("error: option `--{name}` must be 0 to {max} seconds, not `{n}`"),
        )),
        other => Ok(other),
    }
}

pub fn positive(command: &'static str, args: &Args, name: &str) -> Result<Option<i64>, Fail> {
    match integer(command, args, name)? {
        Some(n) if n <= 0 => Err(Fail::usage(
            command,
            format!("error: option `--{name}` must be a positive number of seconds, not `{n}`"),
        )),
        other => Ok(other),
    }
}

/// A positive whole number that is not a time (a size).
pub fn positive_count(
    command: &'static str,
    args: &Args,
    name: &str,
) -> Result<Option<usize>, Fail> {
    let Some(text) = args.get(name) else {
        return Ok(None);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(Fail::usage(
            command,
            format!(
                "error: option `--{name}` must be a positive whole number, not `{}`",
                shown(text)
            ),
        )),
    }
}

/// `--now`, else the system clock.
pub fn now(command: &'static str, args: &Args) -> Result<i64, Fail> {
    if let Some(now) = integer(command, args, "now")? {
        return Ok(now);
    }
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Fail::Input("error: the system clock is before 1970; pass --now".into()))?;
    Ok(i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}

/// Two arguments that both read stdin cannot both have it.
pub fn one_stdin(command: &'static str, sources: &[(&str, Option<&str>)]) -> Result<(), Fail> {
    let readers: Vec<&str> = sources
        .iter()
        .filter(|(_, value)| *value == Some("-"))
        .map(|(name, _)| *name)
        .collect();
    if readers.len() > 1 {
        return Err(Fail::usage(
            command,
            format!(
                "error: only one input can be read from stdin (-), not {}",
                readers.join(" and ")
            ),
        ));
    }
    Ok(())
}
