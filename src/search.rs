//! The edge path: filter a Camunda `/v2/user-tasks/search` response given as JSON text.
//!
//! One pass over the text, no tree: a strict JSON scanner (RFC 8259: what `JSON.parse` accepts)
//! walks the response, reads the decision fields of each item of the top-level `items` array as
//! it goes (the rest of an item is only validated), decides the item through the compiled
//! [`Authorizer`] (as symbols, [`TaskSyms`]), and remembers where the item starts and ends. The
//! output is the input text with the `items` array holding only the allowed items, each copied
//! byte for byte; every other member is copied unchanged, so `page` (totals, cursors) still
//! describes the unfiltered page: adjusting it is the caller's choice.
//!
//! Reading an item follows [`crate::task::Task::from_json`]: a missing or `null` field is absent,
//! a present one must have its type, and duplicate names keep the last value (as `JSON.parse`
//! does). A string with a lone surrogate escape (which `JSON.parse` accepts but no grant can
//! name) matches nothing. Depth is not limited (the scanner keeps its own stack).

use std::borrow::Cow;

use crate::authorizer::{Authorizer, Sym, TaskSyms, OTHER_ASSIGNEE};
use crate::error::{err, AuthzError, ErrorCode, Result};
use crate::json::{Lexed, Lexer};
use crate::rules::{InstanceState, Operation, TaskState, STATE_UNKNOWN};
use crate::task::{not_an_object, Fault, MAX_CANDIDATES};

impl Authorizer {
    /// Filters a `/v2/user-tasks/search` response: returns the same JSON object as text with
    /// `items` holding only the items on which `op` is allowed, in order and byte for byte, and
    /// every other member unchanged. Page totals (`page.totalItems`, cursors) are NOT adjusted:
    /// they still count the unfiltered page, and what to tell the client is the caller's choice.
    ///
    /// Errors: the text is not a JSON object, has no `items` member, has `items` twice, or its
    /// `items` is not an array: `ERR_ARGUMENT_INVALID`; an item that is not a valid task:
    /// `ERR_TASK_INVALID`, naming the item's index (as `filter` does, nothing is returned).
    pub fn filter_search_response(&self, op: Operation, text: &str) -> Result<String> {
        let Some(items) = Scanner::new(text).response(self, op)? else {
            return err(
                ErrorCode::ArgumentInvalid,
                "a search response must have an `items` array",
            );
        };
        let slice = |start: usize, end: usize| {
            text.get(start..end).ok_or_else(|| {
                AuthzError::new(
                    ErrorCode::ArgumentInvalid,
                    "the search response could not be cut",
                )
            })
        };
        let mut out = String::with_capacity(text.len());
        out.push_str(slice(0, items.open)?);
        for (n, &(start, end)) in items.kept.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(slice(start, end)?);
        }
        out.push_str(slice(items.close, text.len())?);
        Ok(out)
    }
}

/// Where the `items` array is and which of its items are kept (byte ranges of the text).
struct Items {
    /// Just after the `[`.
    open: usize,
    /// At the `]`.
    close: usize,
    kept: Vec<(usize, usize)>,
}

/// A task field as read so far (the last occurrence of a name wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// Missing or null.
    Absent,
    /// A string: its symbol (for `assignee`, `state` and `processInstanceState` as in
    /// [`TaskSyms`]); `key_ok` says
    /// whether it is a valid `userTaskKey`.
    Str { sym: Sym, key_ok: bool },
    /// Present with the wrong type (the JSON kind, for the message).
    Wrong(&'static str),
}

/// A candidate list as read so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    Ok,
    /// More entries than [`MAX_CANDIDATES`] (how many), whatever they hold.
    TooMany(usize),
    /// Not an array (kind), or an array holding a non-string (`element` true).
    Wrong {
        kind: &'static str,
        element: bool,
    },
}

struct Scanner<'a> {
    /// Strings, numbers and literals are read as `crate::json` reads them.
    lex: Lexer<'a>,
    /// Container stack for skipping values (`{` or `[`).
    stack: Vec<u8>,
    users: Vec<Sym>,
    groups: Vec<Sym>,
}

/// The JSON kind of a value from its first byte, for messages.
fn kind_of(first: Option<u8>) -> &'static str {
    match first {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        _ => "not a JSON value",
    }
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            lex: Lexer::new(text),
            stack: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
        }
    }

    fn malformed(&self, what: &str) -> AuthzError {
        AuthzError::new(
            ErrorCode::ArgumentInvalid,
            format!(
                "the search response is not valid JSON: {what} at byte {}",
                self.lex.at
            ),
        )
    }

    /// A lexer result, its error as the scanner's.
    fn lexed<T>(&self, result: Lexed<T>) -> Result<T> {
        result.map_err(|what| self.malformed(what))
    }

    /// A string after its `"`, decoded; `None` for one with a lone surrogate, which matches
    /// nothing.
    fn string(&mut self) -> Result<Option<Cow<'a, str>>> {
        let string = self.lex.string();
        self.lexed(string)
    }

    fn skip_string(&mut self) -> Result<()> {
        let skipped = self.lex.skip_string();
        self.lexed(skipped)
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        let literal = self.lex.literal(word);
        self.lexed(literal)
    }

    fn number(&mut self) -> Result<()> {
        let number = self.lex.number();
        self.lexed(number)
    }

    /// After a member or an element: `,` goes on (`false`), `close` ends the object or array
    /// (`true`, past it), anything else is malformed.
    fn next_or_close(&mut self, close: u8, what: &str) -> Result<bool> {
        self.lex.ws();
        match self.lex.peek() {
            Some(b',') => {
                self.lex.at += 1;
                Ok(false)
            }
            Some(byte) if byte == close => {
                self.lex.at += 1;
                Ok(true)
            }
            _ => Err(self.malformed(what)),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<()> {
        self.lex.ws();
        if self.lex.peek() == Some(byte) {
            self.lex.at += 1;
            Ok(())
        } else {
            Err(self.malformed(what))
        }
    }

    /// Steps into an object at `{`; anything else fails with `code` and `message(kind)`, after
    /// reading the value through, so that malformed text is still reported as such.
    fn open_object(&mut self, code: ErrorCode, message: impl FnOnce(&str) -> String) -> Result<()> {
        if self.lex.peek() == Some(b'{') {
            self.lex.at += 1;
            return Ok(());
        }
        let kind = kind_of(self.lex.peek());
        self.skip_value()?;
        err(code, message(kind))
    }

    /// The whole response: `{ ..., "items": [ ... ], ... }` and nothing after it.
    fn response(&mut self, authz: &Authorizer, op: Operation) -> Result<Option<Items>> {
        self.lex.ws();
        self.open_object(ErrorCode::ArgumentInvalid, |kind| {
            format!("a search response must be a JSON object, not {kind}")
        })?;
        let mut items = None;
        self.lex.ws();
        if self.lex.peek() == Some(b'}') {
            self.lex.at += 1;
        } else {
            loop {
                self.expect(b'"', "expected a member name")?;
                let is_items = self.string_is(b"items")?;
                self.expect(b':', "expected `:`")?;
                self.lex.ws();
                if is_items {
                    if items.is_some() {
                        return err(
                            ErrorCode::ArgumentInvalid,
                            "the search response has more than one `items` member",
                        );
                    }
                    if self.lex.peek() != Some(b'[') {
                        let kind = kind_of(self.lex.peek());
                        self.skip_value()?;
                        return err(
                            ErrorCode::ArgumentInvalid,
                            format!("`items` of a search response must be an array, not {kind}"),
                        );
                    }
                    items = Some(self.items(authz, op)?);
                } else {
                    self.skip_value()?;
                }
                if self.next_or_close(b'}', "expected `,` or `}`")? {
                    break;
                }
            }
        }
        self.lex.ws();
        if self.lex.at != self.lex.bytes.len() {
            return Err(self.malformed("unexpected text after the object"));
        }
        Ok(items)
    }

    /// The `items` array, at its `[`.
    fn items(&mut self, authz: &Authorizer, op: Operation) -> Result<Items> {
        self.lex.at += 1;
        let open = self.lex.at;
        let mut kept = Vec::new();
        self.lex.ws();
        if self.lex.peek() == Some(b']') {
            let close = self.lex.at;
            self.lex.at += 1;
            return Ok(Items { open, close, kept });
        }
        let mut index = 0usize;
        loop {
            self.lex.ws();
            let start = self.lex.at;
            if self.item(authz, op, index)? {
                kept.push((start, self.lex.at));
            }
            index += 1;
            if self.next_or_close(b']', "expected `,` or `]` in `items`")? {
                let close = self.lex.at - 1; // at the `]`
                return Ok(Items { open, close, kept });
            }
        }
    }

    /// One item: reads it as a task and decides `op` on it.
    fn item(&mut self, authz: &Authorizer, op: Operation, index: usize) -> Result<bool> {
        self.open_object(ErrorCode::TaskInvalid, |kind| {
            format!("item {index} of `items`: {}", not_an_object(kind))
        })?;
        let mut key = Field::Absent;
        let mut process = Field::Absent;
        let mut assignee = Field::Absent;
        let mut tenant = Field::Absent;
        let mut state = Field::Absent;
        let mut instance = Field::Absent;
        let mut users = List::Ok;
        let mut groups = List::Ok;
        self.users.clear();
        self.groups.clear();
        self.lex.ws();
        if self.lex.peek() == Some(b'}') {
            self.lex.at += 1;
        } else {
            loop {
                self.expect(b'"', "expected a member name")?;
                let name = self.member_name()?;
                self.expect(b':', "expected `:`")?;
                self.lex.ws();
                match name {
                    Name::Key => key = self.scalar(authz, Name::Key)?,
                    Name::Process => process = self.scalar(authz, Name::Process)?,
                    Name::Assignee => assignee = self.scalar(authz, Name::Assignee)?,
                    Name::Tenant => tenant = self.scalar(authz, Name::Tenant)?,
                    Name::State => state = self.scalar(authz, Name::State)?,
                    Name::Instance => instance = self.scalar(authz, Name::Instance)?,
                    Name::Users => users = self.list(authz, true)?,
                    Name::Groups => groups = self.list(authz, false)?,
                    Name::Other => self.skip_value()?,
                }
                if self.next_or_close(b'}', "expected `,` or `}`")? {
                    break;
                }
            }
        }
        // The same checks, in the same order and words, as `Task::from_json`.
        let bad = |name: &str, fault: Fault<'_>| -> Result<bool> {
            err(
                ErrorCode::TaskInvalid,
                format!("item {index} of `items`: {}", fault.message(name)),
            )
        };
        let key = match key {
            Field::Wrong(kind) => return bad("userTaskKey", Fault::NotString(kind)),
            Field::Str { key_ok: false, .. } => return bad("userTaskKey", Fault::NotDecimal(None)),
            Field::Str { sym, .. } => sym,
            Field::Absent => 0,
        };
        let string = |name: &str, field: Field| match field {
            Field::Wrong(kind) => bad(name, Fault::NotString(kind)).map(|_| 0),
            Field::Str { sym, .. } => Ok(sym),
            Field::Absent => Ok(0),
        };
        let list = |name: &str, list: List| match list {
            List::Ok => Ok(()),
            List::Wrong {
                kind,
                element: true,
            } => bad(name, Fault::NotStringItem(kind)).map(|_| ()),
            List::Wrong { kind, .. } => bad(name, Fault::NotStrings(kind)).map(|_| ()),
            List::TooMany(n) => bad(name, Fault::TooMany(n)).map(|_| ()),
        };
        let process = string("processDefinitionId", process)?;
        let assignee = string("assignee", assignee)?;
        list("candidateUsers", users)?;
        list("candidateGroups", groups)?;
        let tenant = string("tenantId", tenant)?;
        let state = string("state", state)?;
        let instance = string("processInstanceState", instance)?;
        let reach = authz.reach(&TaskSyms {
            key,
            process,
            assignee,
            tenant,
            state,
            instance,
            candidate_users: &self.users,
            candidate_groups: &self.groups,
        });
        // `Reach::actions_mask` for the one operation asked (all eight cost eight lookups).
        Ok(reach.allows(op, authz.payload().authorizations_enabled))
    }

    /// A nullable string field: `name` says which, and so how a string becomes a symbol.
    fn scalar(&mut self, authz: &Authorizer, name: Name) -> Result<Field> {
        match self.lex.peek() {
            Some(b'n') => {
                self.literal(b"null")?;
                Ok(Field::Absent)
            }
            Some(b'"') => {
                self.lex.at += 1;
                let is_key = matches!(name, Name::Key);
                let text = self.string()?;
                // A string with a lone surrogate names no grant, no principal and no state.
                let sym = match (name, text.as_deref()) {
                    (Name::Assignee, Some(s)) => authz.assignee_sym(Some(s)),
                    (Name::Assignee, None) => OTHER_ASSIGNEE,
                    (Name::State, s) => s.map_or(STATE_UNKNOWN, |s| TaskState::code_of(Some(s))),
                    (Name::Instance, s) => {
                        s.map_or(STATE_UNKNOWN, |s| InstanceState::code_of(Some(s)))
                    }
                    (_, s) => s.map_or(0, |s| authz.sym(s)),
                };
                Ok(Field::Str {
                    sym,
                    key_ok: !is_key || text.as_deref().is_some_and(crate::task::is_key),
                })
            }
            first => {
                let kind = kind_of(first);
                self.skip_value()?;
                Ok(Field::Wrong(kind))
            }
        }
    }

    /// A nullable array of strings; the symbols go to `self.users` or `self.groups`.
    fn list(&mut self, authz: &Authorizer, users: bool) -> Result<List> {
        if users {
            self.users.clear();
        } else {
            self.groups.clear();
        }
        match self.lex.peek() {
            Some(b'n') => {
                self.literal(b"null")?;
                return Ok(List::Ok);
            }
            Some(b'[') => self.lex.at += 1,
            first => {
                let kind = kind_of(first);
                self.skip_value()?;
                return Ok(List::Wrong {
                    kind,
                    element: false,
                });
            }
        }
        let mut state = List::Ok;
        let mut entries = 0_usize;
        self.lex.ws();
        if self.lex.peek() == Some(b']') {
            self.lex.at += 1;
            return Ok(state);
        }
        loop {
            entries += 1;
            self.lex.ws();
            if self.lex.peek() == Some(b'"') {
                self.lex.at += 1;
                let sym = self.string()?.map_or(0, |s| authz.sym(&s));
                if sym != 0 {
                    if users {
                        self.users.push(sym);
                    } else {
                        self.groups.push(sym);
                    }
                }
            } else {
                let kind = kind_of(self.lex.peek());
                self.skip_value()?;
                if state == List::Ok {
                    state = List::Wrong {
                        kind,
                        element: true,
                    };
                }
            }
            if self.next_or_close(b']', "expected `,` or `]`")? {
                // The bound comes first, as in `Task::from_json` and the JavaScript wrapper.
                return Ok(if entries > MAX_CANDIDATES {
                    List::TooMany(entries)
                } else {
                    state
                });
            }
        }
    }

    /// Reads a member name (after its `"`) and tells which task field it is.
    fn member_name(&mut self) -> Result<Name> {
        let start = self.lex.at;
        let raw = self.lex.plain_string();
        let name: Cow<'_, str> = match raw {
            Some(end) => Cow::Borrowed(self.lex.text.get(start..end).unwrap_or_default()),
            None => {
                self.lex.at = start;
                match self.string()? {
                    Some(s) => Cow::Owned(s.into_owned()),
                    None => return Ok(Name::Other),
                }
            }
        };
        Ok(match name.as_bytes() {
            b"userTaskKey" => Name::Key,
            b"processDefinitionId" => Name::Process,
            b"assignee" => Name::Assignee,
            b"tenantId" => Name::Tenant,
            b"state" => Name::State,
            b"processInstanceState" => Name::Instance,
            b"candidateUsers" => Name::Users,
            b"candidateGroups" => Name::Groups,
            _ => Name::Other,
        })
    }

    /// Reads a string (after its `"`) and tells whether it equals `want`.
    fn string_is(&mut self, want: &[u8]) -> Result<bool> {
        let start = self.lex.at;
        if let Some(end) = self.lex.plain_string() {
            return Ok(self.lex.bytes.get(start..end) == Some(want));
        }
        self.lex.at = start;
        Ok(self.string()?.is_some_and(|s| s.as_bytes() == want))
    }

    /// Validates and skips one value (any depth: the scanner keeps its own stack).
    fn skip_value(&mut self) -> Result<()> {
        let base = self.stack.len();
        loop {
            // A value.
            self.lex.ws();
            match self.lex.peek() {
                Some(b'{') => {
                    self.lex.at += 1;
                    self.lex.ws();
                    if self.lex.peek() == Some(b'}') {
                        self.lex.at += 1;
                    } else {
                        self.stack.push(b'{');
                        self.member_start()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.lex.at += 1;
                    self.lex.ws();
                    if self.lex.peek() == Some(b']') {
                        self.lex.at += 1;
                    } else {
                        self.stack.push(b'[');
                        continue;
                    }
                }
                Some(b'"') => {
                    self.lex.at += 1;
                    self.skip_string()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                _ => return Err(self.malformed("expected a value")),
            }
            // After a value: close what ends here, or go on to the next element or member.
            loop {
                if self.stack.len() <= base {
                    return Ok(());
                }
                let top = self.stack.last().copied();
                self.lex.ws();
                match (self.lex.peek(), top) {
                    (Some(b','), Some(b'{')) => {
                        self.lex.at += 1;
                        self.lex.ws();
                        self.member_start()?;
                        break;
                    }
                    (Some(b','), _) => {
                        self.lex.at += 1;
                        break;
                    }
                    (Some(b'}'), Some(b'{')) | (Some(b']'), Some(b'[')) => {
                        self.lex.at += 1;
                        self.stack.pop();
                    }
                    _ => return Err(self.malformed("expected `,` or the end of a container")),
                }
            }
        }
    }

    /// `"name":` inside an object being skipped.
    #[inline(always)]
    fn member_start(&mut self) -> Result<()> {
        self.expect(b'"', "expected a member name")?;
        self.skip_string()?;
        self.expect(b':', "expected `:`")
    }
}

/// The task fields the decision reads.
#[derive(Clone, Copy)]
enum Name {
    Key,
    Process,
    Assignee,
    Tenant,
    State,
    Instance,
    Users,
    Groups,
    Other,
}

/// The test suites' shared helpers (corpus, seeded generator).
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod test_common;

#[cfg(test)]
mod tests {

    use serde_json::{json, Value};

    use super::*;
    use crate::model::GrantSetPayload;

    fn authorizer(grants: &Value) -> Authorizer {
        let payload = GrantSetPayload::parse(grants.to_string().as_bytes()).unwrap();
        Authorizer::from_unverified_payload(payload).unwrap()
    }

    /// A serde_json value as the crate's own JSON value.
    fn ours(value: &Value) -> crate::json::Value<'static> {
        crate::json::parse(value.to_string().as_bytes())
            .unwrap()
            .into_owned()
    }

    use super::test_common as common;
    use common::Rng;

    fn corpus() -> Vec<Value> {
        common::corpus().into_iter().map(|(_, doc)| doc).collect()
    }

    /// What `filter` keeps, as the JSON values.
    fn filtered(authz: &Authorizer, op: Operation, items: &[Value]) -> Vec<Value> {
        let items: Vec<crate::json::Value> = items.iter().map(ours).collect();
        authz
            .filter(op, &items)
            .unwrap()
            .into_iter()
            .map(|kept| serde_json::to_value(kept).unwrap())
            .collect()
    }

    fn response(items: &[Value]) -> String {
        serde_json::to_string(&json!({
            "items": items,
            "page": { "totalItems": items.len(), "startCursor": "WzBd", "endCursor": null, "hasMoreTotalItems": false }
        }))
        .unwrap()
    }

    fn code(result: Result<String>) -> (ErrorCode, String) {
        let e = result.unwrap_err();
        (e.code, e.message)
    }

    #[test]
    fn agrees_with_filter_on_the_corpus() {
        let mut checked = 0;
        for doc in corpus() {
            for suite in doc["suites"].as_array().unwrap() {
                let authz = authorizer(&suite["grants"]);
                let items: Vec<Value> = suite["cases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| c.get("expectError").is_none())
                    .map(|c| c["task"].clone())
                    .collect();
                let text = response(&items);
                for op in Operation::ALL {
                    let out = authz.filter_search_response(op, &text).unwrap();
                    let out: Value = serde_json::from_str(&out).unwrap();
                    let want = filtered(&authz, op, &items);
                    assert_eq!(out["items"], Value::Array(want), "{} {op:?}", suite["name"]);
                    assert_eq!(out["page"]["totalItems"], json!(items.len()));
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} checks");
    }

    #[test]
    fn rejects_every_invalid_corpus_task_naming_its_index() {
        let mut checked = 0;
        for doc in corpus() {
            for suite in doc["suites"].as_array().unwrap() {
                let authz = authorizer(&suite["grants"]);
                for case in suite["cases"].as_array().into_iter().flatten() {
                    let Some(expected) = case.get("expectError") else {
                        continue;
                    };
                    let valid = json!({ "processDefinitionId": "invoice" });
                    let items = [valid.clone(), valid, case["task"].clone()];
                    let text = response(&items);
                    let (got, message) = code(authz.filter_search_response(Operation::Get, &text));
                    assert_eq!(got.as_str(), expected, "{}", case["name"]);
                    assert_eq!(got, ErrorCode::TaskInvalid, "{}", case["name"]);
                    assert!(message.contains("item 2 "), "{}: {message}", case["name"]);
                    // `filter` refuses the same list.
                    let items: Vec<crate::json::Value> = items.iter().map(ours).collect();
                    assert!(authz.filter(Operation::Get, &items).is_err());
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "only {checked} checks");
    }

    /// A candidate list over the bound is refused by both readers with the same words, before
    /// its entries are looked at (so a long list of numbers says "entries", not "strings").
    #[test]
    fn a_candidate_list_over_the_bound_is_refused_by_both_readers() {
        let authz = authorizer(&grants());
        for (len, entry) in [
            (MAX_CANDIDATES + 1, json!("sales")),
            (MAX_CANDIDATES + 7, json!(1)),
        ] {
            let task =
                json!({ "processDefinitionId": "invoice", "candidateGroups": vec![entry; len] });
            let (got, message) = code(
                authz
                    .filter_search_response(Operation::Get, &response(std::slice::from_ref(&task))),
            );
            assert_eq!(got, ErrorCode::TaskInvalid);
            let direct = crate::task::Task::from_json(&ours(&task)).unwrap_err();
            assert_eq!(direct.code, ErrorCode::TaskInvalid);
            assert_eq!(message, format!("item 0 of `items`: {}", direct.message));
            assert!(message.contains(&format!("has {len} entries")), "{message}");
        }
        let at_bound = json!({ "candidateGroups": vec![json!("sales"); MAX_CANDIDATES] });
        assert!(authz
            .filter_search_response(Operation::Get, &response(&[at_bound]))
            .is_ok());
    }

    /// With several bad fields, the error names the one `Task::from_json` names: the checks
    /// run in its order, whatever the order of the members in the text.
    #[test]
    fn names_the_first_bad_field_in_the_order_task_from_json_checks() {
        let authz = authorizer(&grants());
        let bad = [
            ("userTaskKey", json!("k")),
            ("processDefinitionId", json!(1)),
            ("assignee", json!([])),
            ("candidateUsers", json!("demo")),
            ("candidateGroups", json!([1])),
            ("tenantId", json!(true)),
            ("state", json!(2)),
        ];
        for first in 0..bad.len() {
            // The bad fields from `first` on (a `Map` writes them in name order).
            let mut task = serde_json::Map::new();
            for (name, value) in bad[first..].iter().rev() {
                task.insert((*name).to_owned(), value.clone());
            }
            let task = Value::Object(task);
            let text = format!(r#"{{"items":[{task}]}}"#);
            let (code, message) = code(authz.filter_search_response(Operation::Get, &text));
            let task_ours = ours(&task);
            let expected = crate::task::Task::from_json(&task_ours).err().unwrap();
            let field = format!("`{}`", bad[first].0);
            assert_eq!(code, expected.code);
            assert!(expected.message.contains(&field), "{}", expected.message);
            // The same words, with the item's index in front; the edge path does not repeat a
            // bad key's text.
            let message = message
                .strip_prefix("item 0 of `items`: ")
                .unwrap_or_default();
            assert!(
                !message.is_empty() && expected.message.starts_with(message),
                "{message} / {}",
                expected.message
            );
        }
    }

    const PROCESSES: &[&str] = &["invoice", "order", "Invoice", "", "in\"voice", "ünïcode"];
    const USERS: &[&str] = &["demo", "anna", "Demo", "", "de\\mo", "😀"];
    const GROUPS: &[&str] = &["sales", "ops", "Sales", "", "ops/eu"];

    fn grants() -> Value {
        json!({
            "iss": "i", "aud": "a", "sub": "demo", "iat": 1, "exp": 2, "ver": 1, "camundaVersion": "8.9",
            "authorizationsEnabled": true, "multiTenancyEnabled": false,
            "principal": { "type": "USER", "id": "demo", "groups": ["sales", "ops/eu"], "roles": ["task-worker"], "tenants": ["<default>"], "mappingRules": [] },
            "authorizations": [
                { "ownerType": "USER", "ownerId": "demo", "resourceType": "PROCESS_DEFINITION", "resourceId": "invoice", "permissionTypes": ["READ_USER_TASK"] },
                { "ownerType": "GROUP", "ownerId": "ops/eu", "resourceType": "PROCESS_DEFINITION", "resourceId": "ünïcode", "permissionTypes": ["UPDATE_USER_TASK"] },
                { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK", "resourcePropertyName": "assignee", "permissionTypes": ["READ", "CLAIM", "COMPLETE"] },
                { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK", "resourcePropertyName": "candidateUsers", "permissionTypes": ["READ"] },
                { "ownerType": "ROLE", "ownerId": "task-worker", "resourceType": "USER_TASK", "resourcePropertyName": "candidateGroups", "permissionTypes": ["READ", "COMPLETE"] },
                { "ownerType": "USER", "ownerId": "demo", "resourceType": "USER_TASK", "resourceId": "77", "permissionTypes": ["UPDATE"] }
            ]
        })
    }

    fn random_task(rng: &mut Rng, i: usize) -> Value {
        let mut task = serde_json::Map::new();
        let null_or = |rng: &mut Rng, v: Value| if rng.below(5) == 0 { Value::Null } else { v };
        if rng.below(8) != 0 {
            let key = if rng.below(10) == 0 {
                "77".to_owned()
            } else {
                (1000 + i).to_string()
            };
            task.insert("userTaskKey".into(), null_or(rng, json!(key)));
        }
        task.insert(
            "name".into(),
            json!(format!("task {i} \"quoted\" \\ \u{1}")),
        );
        if rng.below(8) != 0 {
            let p = json!(rng.pick(PROCESSES));
            task.insert("processDefinitionId".into(), null_or(rng, p));
        }
        if rng.below(8) != 0 {
            let a = json!(rng.pick(USERS));
            task.insert("assignee".into(), null_or(rng, a));
        }
        let users: Vec<&str> = (0..rng.below(4)).map(|_| rng.pick(USERS)).collect();
        if rng.below(8) != 0 {
            task.insert("candidateUsers".into(), null_or(rng, json!(users)));
        }
        let groups: Vec<&str> = (0..rng.below(4)).map(|_| rng.pick(GROUPS)).collect();
        if rng.below(8) != 0 {
            task.insert("candidateGroups".into(), null_or(rng, json!(groups)));
        }
        if rng.below(8) != 0 {
            let state = if rng.below(2) == 0 {
                "CREATED"
            } else {
                rng.state()
            };
            task.insert("state".into(), null_or(rng, json!(state)));
        }
        task.insert(
            "customHeaders".into(),
            json!({ "a": [1, -2.5e3, true, null, { "b": [] }] }),
        );
        task.insert("tenantId".into(), json!("<default>"));
        Value::Object(task)
    }

    /// Escapes every character of every string as `\uXXXX` (or pairs), which `JSON.parse` reads back the same.
    fn escape_all(text: &str) -> String {
        let mut out = String::new();
        let mut in_string = false;
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    in_string = !in_string;
                    out.push(c);
                }
                '\\' if in_string => {
                    out.push(c);
                    let e = chars.next().unwrap();
                    out.push(e);
                    if e == 'u' {
                        out.extend(chars.by_ref().take(4));
                    }
                }
                c if in_string => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04X}"));
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn agrees_with_filter_on_random_lists_in_any_formatting() {
        let authz = authorizer(&grants());
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut kept_some = false;
        let mut dropped_some = false;
        for round in 0..300 {
            let items: Vec<Value> = (0..rng.below(40))
                .map(|i| random_task(&mut rng, i))
                .collect();
            let mut text = response(&items);
            match round % 3 {
                0 => {}
                1 => {
                    text =
                        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&text).unwrap())
                            .unwrap()
                }
                _ => text = escape_all(&text),
            }
            for op in Operation::ALL {
                let out = authz.filter_search_response(op, &text).unwrap();
                let got: Value = serde_json::from_str(&out).unwrap();
                let want = filtered(&authz, op, &items);
                kept_some |= !want.is_empty();
                dropped_some |= want.len() < items.len();
                assert_eq!(got["items"], Value::Array(want), "round {round} {op:?}");
                let parsed: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(got["page"], parsed["page"]);
            }
        }
        assert!(kept_some && dropped_some);
    }

    #[test]
    fn keeps_other_members_and_items_byte_for_byte() {
        let authz = authorizer(&grants());
        let text = "\n { \"page\" : {\"totalItems\":3, \"x\": [1 , 2]} ,\"items\":[ {\"processDefinitionId\" : \"invoice\",\"n\":1.50} ,\n\
                    {\"processDefinitionId\":\"order\"}, {\"processDefinitionId\":\"inv\\u006Fice\", \"assignee\":\"\\ud800\"}\t] , \"z\" : \"\\u00e9\" }\r\n";
        let out = authz.filter_search_response(Operation::Get, text).unwrap();
        assert_eq!(
            out,
            "\n { \"page\" : {\"totalItems\":3, \"x\": [1 , 2]} ,\"items\":[{\"processDefinitionId\" : \"invoice\",\"n\":1.50},\
             {\"processDefinitionId\":\"inv\\u006Fice\", \"assignee\":\"\\ud800\"}] , \"z\" : \"\\u00e9\" }\r\n"
        );
        // Nothing allowed: an empty array, the rest as it was.
        let none = authz
            .filter_search_response(Operation::Update, text)
            .unwrap();
        assert!(none.contains("\"items\":[]"), "{none}");
        assert!(none.ends_with("\"z\" : \"\\u00e9\" }\r\n"));
        // An empty list stays as it is.
        let empty = "{\"items\":[ ],\"page\":{}}";
        assert_eq!(
            authz.filter_search_response(Operation::Get, empty).unwrap(),
            "{\"items\":[],\"page\":{}}"
        );
    }

    #[test]
    fn duplicate_fields_keep_the_last_value_as_json_parse_does() {
        let authz = authorizer(&grants());
        let cases = [
            (
                r#"{"processDefinitionId":"order","processDefinitionId":"invoice"}"#,
                true,
            ),
            (
                r#"{"processDefinitionId":"invoice","processDefinitionId":"order"}"#,
                false,
            ),
            (
                r#"{"processDefinitionId":5,"processDefinitionId":"invoice"}"#,
                true,
            ),
            (
                r#"{"candidateUsers":["demo"],"candidateUsers":null}"#,
                false,
            ),
            (r#"{"candidateUsers":[1],"candidateUsers":["demo"]}"#, true),
            (r#"{"process\u0044efinitionId":"invoice"}"#, true),
        ];
        for (item, allowed) in cases {
            let value = crate::json::parse(item.as_bytes()).unwrap();
            assert_eq!(
                authz
                    .filter(Operation::Get, std::slice::from_ref(&value))
                    .unwrap()
                    .len()
                    == 1,
                allowed,
                "{item}"
            );
            let out = authz
                .filter_search_response(Operation::Get, &format!("{{\"items\":[{item}]}}"))
                .unwrap();
            assert_eq!(out.contains("[{"), allowed, "{item}");
        }
    }

    #[test]
    fn rejects_bad_input_with_codes() {
        let authz = authorizer(&grants());
        let argument = [
            "",
            " ",
            "[]",
            "null",
            "\"items\"",
            "42",
            "{",
            "{}",
            "{\"page\":{}}",
            "{\"items\":{}}",
            "{\"items\":null}",
            "{\"items\":\"[]\"}",
            "{\"items\":[]",
            "{\"items\":[]}x",
            "{\"items\":[]} {}",
            "{\"items\":[],\"items\":[]}",
            "{\"it\\u0065ms\":[],\"items\":[]}",
            "{\"items\":[{}],}",
            "{\"items\":[{},]}",
            "{\"items\":[{\"a\":01}]}",
            "{\"items\":[{\"a\":1.}]}",
            "{\"items\":[{\"a\":\"\\x\"}]}",
            "{\"items\":[{\"a\":\"\t\"}]}",
            "{\"items\":[{\"a\":tru}]}",
            "{\"items\":[{\"a\" 1}]}",
            "{items:[]}",
            "{\"items\":[{\"a\":[1,]}]}",
            "{\"items\":[{\"a\":{\"b\":1,}}]}",
            "{\"items\":[{\"a\":\"\\u12\"}]}",
            "{\"items\":[{\"processDefinitionId\":\"x}]}",
            "{\"items\":[{\"candidateUsers\":[\"a\" \"b\"]}]}",
        ];
        for text in argument {
            let (got, message) = code(authz.filter_search_response(Operation::Search, text));
            assert_eq!(got, ErrorCode::ArgumentInvalid, "{text:?}: {message}");
        }
        let task = [
            ("{\"items\":[{}, null]}", "item 1 "),
            ("{\"items\":[[]]}", "item 0 "),
            ("{\"items\":[{},{},{\"userTaskKey\":12}]}", "item 2 "),
            ("{\"items\":[{\"userTaskKey\":\"\\ud800\"}]}", "item 0 "),
            ("{\"items\":[{\"candidateGroups\":[[\"a\"]]}]}", "item 0 "),
        ];
        for (text, index) in task {
            let (got, message) = code(authz.filter_search_response(Operation::Search, text));
            assert_eq!(got, ErrorCode::TaskInvalid, "{text}: {message}");
            assert!(message.contains(index), "{text}: {message}");
        }
    }

    /// The scanner accepts exactly what serde_json accepts, on random mutations of valid JSON.
    #[test]
    fn the_scanner_validates_like_serde_json() {
        let authz = authorizer(&grants());
        let mut rng = Rng(12345);
        let base = response(&(0..3).map(|i| random_task(&mut rng, i)).collect::<Vec<_>>());
        let pieces = [
            "\"", "\\", ",", ":", "{", "}", "[", "]", " ", "1", "-", ".", "e", "n", "\\u00", "0",
            "\u{7}", "é",
        ];
        let mut accepted = 0;
        for _ in 0..20000 {
            let mut text = base.clone();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => text.insert_str(at, rng.pick(&pieces)),
                    1 => {
                        let mut end = at + 1;
                        while end < text.len() && !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end.min(text.len()), "");
                    }
                    _ => {
                        let mut end = at + 1;
                        while end < text.len() && !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end.min(text.len()), rng.pick(&pieces));
                    }
                }
            }
            let serde_ok = serde_json::from_str::<Value>(&text).is_ok();
            let mut scan = Scanner::new(&text);
            let ours = scan.skip_value().and_then(|()| {
                scan.lex.ws();
                if scan.lex.at == text.len() {
                    Ok(())
                } else {
                    Err(scan.malformed("trailing"))
                }
            });
            assert_eq!(ours.is_ok(), serde_ok, "{text}");
            // And the response reader never returns output for invalid JSON.
            if !serde_ok {
                assert!(
                    authz.filter_search_response(Operation::Get, &text).is_err(),
                    "{text}"
                );
            } else {
                accepted += 1;
            }
        }
        assert!(accepted > 1000, "only {accepted} valid mutations");
    }

    #[test]
    fn special_finds_the_first_quote_backslash_or_control_byte() {
        let mut rng = Rng(777);
        let alphabet = [
            b'a', b'"', b'\\', 0, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0x9f, 0xa0, 0xdc, 0xff,
        ];
        for _ in 0..20000 {
            let len = rng.below(40);
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(4) == 0 {
                        alphabet[rng.below(alphabet.len())]
                    } else {
                        b'x'
                    }
                })
                .collect();
            let naive = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            assert_eq!(crate::json::special(&bytes), naive, "{bytes:?}");
        }
    }

    #[test]
    fn deep_nesting_is_fine() {
        let authz = authorizer(&grants());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let text = format!(
            "{{\"x\":{deep},\"items\":[{{\"processDefinitionId\":\"invoice\",\"v\":{deep}}}]}}"
        );
        let out = authz.filter_search_response(Operation::Get, &text).unwrap();
        assert_eq!(out, text);
    }
}
