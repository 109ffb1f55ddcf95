//! A decision as callers receive it: allowed or not, the code of the step that decided, one
//! technical sentence (`reason`), the facts it was made from (`params`), the deciding grant, and,
//! for Tasklist's buttons, which of the two questions refused. Its short message for a person is
//! worded in [`crate::messages`].

use serde::Serialize;

use crate::buttons::{Button, RefusedBy};
use crate::messages::Params;
use crate::model::{Authorization, PermissionType, ResourceType};
use crate::rules::{MatchedBy, Operation, ReasonCode};

/// The answer to "may the principal do this", with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision<'a> {
    pub allowed: bool,
    pub operation: Option<Operation>,
    pub code: ReasonCode,
    /// One technical sentence: which step refused, or which grant allowed and how.
    pub reason: String,
    pub grant: Option<&'a Authorization>,
    pub matched_by: Option<MatchedBy>,
    pub resource_type: Option<ResourceType>,
    pub permission_type: Option<PermissionType>,
    /// Tasklist's button the decision is about ([`Authorizer::explain_button`]).
    pub button: Option<Button>,
    /// For a refused button: the cluster's permission or Tasklist's screen rule.
    pub refused_by: Option<RefusedBy>,
    /// What the decision was made from, for an app's own words per `code`.
    pub params: Params,
}

impl Decision<'_> {
    /// The answer of a grant set with authorizations disabled: everything is allowed.
    pub(crate) fn allow_because_disabled(&mut self) {
        self.allowed = true;
        self.code = ReasonCode::AuthorizationsDisabled;
        self.reason =
            "authorizations are disabled in this grant set, so every operation is allowed"
                .to_owned();
    }

    /// A short sentence for a person ("Assigned to marek: only the assignee can complete it."),
    /// from `code` and `params`.
    pub fn message(&self) -> String {
        crate::messages::message(
            self.code,
            self.operation,
            self.button,
            &self.params,
            self.resource_type,
            self.permission_type,
        )
    }
}

/// A decision as JSON: `{ allowed, operation, button?, code, reason, message, params, refusedBy?,
/// grant?, matchedBy?, resourceType?, permissionType? }`, the shape `explain` returns in
/// JavaScript and the CLI prints.
impl Serialize for Decision<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Json<'a> {
            allowed: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            operation: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            button: Option<&'static str>,
            code: &'static str,
            reason: &'a str,
            message: String,
            params: &'a Params,
            #[serde(skip_serializing_if = "Option::is_none")]
            refused_by: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            grant: Option<&'a Authorization>,
            #[serde(skip_serializing_if = "Option::is_none")]
            matched_by: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            resource_type: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            permission_type: Option<&'static str>,
        }
        Json {
            allowed: self.allowed,
            operation: self.operation.map(Operation::as_str),
            button: self.button.map(Button::as_str),
            code: self.code.as_str(),
            reason: &self.reason,
            message: self.message(),
            params: &self.params,
            refused_by: self.refused_by.map(RefusedBy::as_str),
            grant: self.grant,
            matched_by: self.matched_by.map(MatchedBy::as_str),
            resource_type: self.resource_type.map(ResourceType::as_str),
            permission_type: self.permission_type.map(PermissionType::as_str),
        }
        .serialize(serializer)
    }
}
