//! The edge scanner (`Authorizer::filter_search_response`). Invariants: it filters only what is
//! JSON as `JSON.parse` reads it (lone surrogate escapes included, which `json::parse` refuses:
//! both texts are compared with those escapes made U+FFFD, which no fixture grant names either);
//! its output re-parses as JSON; every member but `items` is unchanged; `items` keeps, in
//! order, exactly the input items on which the operation is allowed (`can_json`), byte for byte.
//! Input: the first byte picks the operation, the rest is the response text.
#![no_main]

use camunda_authz::json::{self, Value};
use camunda_authz::{ErrorCode, Operation};
use camunda_authz_fuzz::{check_error, fixture};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let op = Operation::ALL[usize::from(*first) % Operation::ALL.len()];
    let authz = &fixture().authorizer;
    let out = match authz.filter_search_response(op, text) {
        Err(e) => {
            check_error(
                "filter_search_response",
                &e,
                &[ErrorCode::ArgumentInvalid, ErrorCode::TaskInvalid],
            );
            return;
        }
        Ok(out) => out,
    };
    let (text, out) = (without_surrogates(text), without_surrogates(&out));
    let input = json::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("filtered {text:?}, which is not JSON: {e}"));
    let output =
        json::parse(out.as_bytes()).unwrap_or_else(|e| panic!("output {out:?} is not JSON: {e}"));
    let (Value::Object(before), Value::Object(after)) = (&input, &output) else {
        panic!("filtered a response that is not an object, or made one: {out:?}");
    };
    assert_eq!(before.len(), after.len(), "members added or lost: {out:?}");
    for ((name_in, value_in), (name_out, value_out)) in before.iter().zip(after) {
        assert_eq!(name_in, name_out, "members reordered");
        if name_in != "items" {
            assert_eq!(value_in, value_out, "member `{name_in}` changed");
            continue;
        }
        let (Value::Array(items_in), Value::Array(items_out)) = (value_in, value_out) else {
            panic!("`items` is not an array: {out:?}");
        };
        let allowed: Vec<&Value<'_>> = items_in
            .iter()
            .filter(|item| authz.can_json(op, item).unwrap_or(false))
            .collect();
        assert_eq!(
            allowed,
            items_out.iter().collect::<Vec<_>>(),
            "items kept differ from the allowed ones"
        );
    }
});

/// The text with every `\u` escape of a surrogate (paired or not) written `\uFFFD`; other
/// escapes, `\\u...` among them, are left as they are.
fn without_surrogates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '\\' {
            continue;
        }
        let Some(next) = chars.next() else { break };
        let hex: String = chars.clone().take(4).collect();
        let surrogate = next == 'u'
            && u16::from_str_radix(&hex, 16).is_ok_and(|u| (0xD800..=0xDFFF).contains(&u));
        if surrogate {
            out.push_str("uFFFD");
            chars.nth(3);
        } else {
            out.push(next);
        }
    }
    out
}
