//! `sign`: a grant-set payload signed with a private JWK, printed as a compact JWS.

use camunda_authz::json::Value;
use camunda_authz::jws::{self, SignOptions};
use camunda_authz::model::Audience;
use camunda_authz::time::iso8601;
use camunda_authz::SigningJwk;

use crate::args::{self, many, opt};
use crate::files::{read_secret, read_text, source_name, Bound};
use crate::output::{note, out, relative, shown};
use crate::{help, Fail, Outcome};

pub const HELP: &str = "\
usage: camunda-authz sign --key PRIVATE_JWK_FILE [options] PAYLOAD_FILE|-

signs a grant-set payload (principal, authorizations, authorizationsEnabled, ...: see
docs/rules.md) and prints the compact JWS on stdout. members the payload has and this tool
does not know are kept. warns when the key file can be read by its group or by others.

options:
  --key FILE         the private Ed25519 JWK, as keygen writes it (required)
  --ttl SECONDS      set iat to now and exp to now + SECONDS; without it the payload's own exp
                     is kept, and a payload without exp lives 900 seconds
  --issuer ISS       set iss
  --audience AUD     set aud; repeat for several (then aud is an array)
  --now SECONDS      the current time for iat and exp (default: the system clock)
";

const CMD: &str = "sign";

pub fn run(argv: &[String]) -> Outcome {
    let specs = [
        opt("key", "FILE"),
        opt("ttl", "SECONDS"),
        opt("issuer", "ISS"),
        many("audience", "AUD"),
        opt("now", "SECONDS"),
    ];
    let args = args::parse(CMD, &specs, argv)?;
    if args.help {
        return help(HELP);
    }
    let key_path = args::required(CMD, &args, "key")?;
    let payload_path = args::one_positional(CMD, &args, "payload file argument (or - for stdin)")?;
    args::one_stdin(
        CMD,
        &[
            ("--key", Some(key_path)),
            ("the payload", Some(payload_path)),
        ],
    )?;
    let ttl = args::positive(CMD, &args, "ttl")?;
    let now = args::now(CMD, &args)?;
    let mut audience = args.all("audience");
    let audience = match audience.len() {
        0 => None,
        1 => audience.pop().map(Audience::One),
        _ => Some(Audience::Many(audience)),
    };

    let key = SigningJwk::parse_str(&read_secret(key_path)?)
        .map_err(|e| Fail::input(&format!("the private key in {}", source_name(key_path)), &e))?;
    let payload = read_text(payload_path, Bound::Payload)?;
    let options = SignOptions {
        now,
        ttl,
        issuer: args.get("issuer").map(str::to_owned),
        audience,
    };
    let token = jws::sign(&payload, &key, &options).map_err(|e| {
        Fail::input(
            &format!("cannot sign the payload in {}", source_name(payload_path)),
            &e,
        )
    })?;
    out(&token)?;
    let exp = jws::inspect(&token)
        .ok()
        .and_then(|(_, payload)| payload.get("exp").and_then(Value::as_i64));
    let kid = shown(&key.kid);
    match exp {
        Some(exp) if exp <= now => note(&format!(
            "warning: signed with key `{kid}`, but the token is already expired: its exp {} is {} (pass --ttl to set a new one)",
            iso8601(exp),
            relative(exp, now)
        )),
        Some(exp) => note(&format!(
            "signed with key `{kid}`; expires {} ({})",
            iso8601(exp),
            relative(exp, now)
        )),
        None => note(&format!("signed with key `{kid}`")),
    }
    Ok(0)
}
