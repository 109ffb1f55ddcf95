//! The Camunda 8.9 authorization model (docs/rules.md): resource types, permission types,
//! owners, principals, authorizations and the grant-set payload.
//!
//! Names are kept as strings in the payload so that a newer server's types never make a grant
//! set unreadable; `ResourceType` and `PermissionType` recognise the 8.9 ones, and anything they
//! do not recognise never grants.

use serde::Serialize;

use crate::error::{ErrorCode, Result};
use crate::json::{Fields, Value};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }

            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}

string_enum!(
    /// Camunda 8.9 resource types.
    ResourceType {
        AuditLog = "AUDIT_LOG",
        Authorization = "AUTHORIZATION",
        Batch = "BATCH",
        ClusterVariable = "CLUSTER_VARIABLE",
        Component = "COMPONENT",
        DecisionDefinition = "DECISION_DEFINITION",
        DecisionRequirementsDefinition = "DECISION_REQUIREMENTS_DEFINITION",
        Document = "DOCUMENT",
        Expression = "EXPRESSION",
        GlobalListener = "GLOBAL_LISTENER",
        Group = "GROUP",
        MappingRule = "MAPPING_RULE",
        Message = "MESSAGE",
        ProcessDefinition = "PROCESS_DEFINITION",
        Resource = "RESOURCE",
        Role = "ROLE",
        System = "SYSTEM",
        Tenant = "TENANT",
        User = "USER",
        UserTask = "USER_TASK",
    }
);

string_enum!(
    /// Camunda 8.9 permission types.
    PermissionType {
        Access = "ACCESS",
        CancelProcessInstance = "CANCEL_PROCESS_INSTANCE",
        Claim = "CLAIM",
        ClaimUserTask = "CLAIM_USER_TASK",
        Complete = "COMPLETE",
        CompleteUserTask = "COMPLETE_USER_TASK",
        Create = "CREATE",
        CreateBatchOperationCancelProcessInstance = "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE",
        CreateBatchOperationDeleteDecisionDefinition = "CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION",
        CreateBatchOperationDeleteDecisionInstance = "CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE",
        CreateBatchOperationDeleteProcessDefinition = "CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION",
        CreateBatchOperationDeleteProcessInstance = "CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE",
        CreateBatchOperationMigrateProcessInstance = "CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE",
        CreateBatchOperationModifyProcessInstance = "CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE",
        CreateBatchOperationResolveIncident = "CREATE_BATCH_OPERATION_RESOLVE_INCIDENT",
        CreateDecisionInstance = "CREATE_DECISION_INSTANCE",
        CreateProcessInstance = "CREATE_PROCESS_INSTANCE",
        CreateTaskListener = "CREATE_TASK_LISTENER",
        Delete = "DELETE",
        DeleteDecisionInstance = "DELETE_DECISION_INSTANCE",
        DeleteDrd = "DELETE_DRD",
        DeleteForm = "DELETE_FORM",
        DeleteProcess = "DELETE_PROCESS",
        DeleteProcessInstance = "DELETE_PROCESS_INSTANCE",
        DeleteResource = "DELETE_RESOURCE",
        DeleteTaskListener = "DELETE_TASK_LISTENER",
        Evaluate = "EVALUATE",
        ModifyProcessInstance = "MODIFY_PROCESS_INSTANCE",
        Read = "READ",
        ReadDecisionDefinition = "READ_DECISION_DEFINITION",
        ReadDecisionInstance = "READ_DECISION_INSTANCE",
        ReadJobMetric = "READ_JOB_METRIC",
        ReadProcessDefinition = "READ_PROCESS_DEFINITION",
        ReadProcessInstance = "READ_PROCESS_INSTANCE",
        ReadTaskListener = "READ_TASK_LISTENER",
        ReadUsageMetric = "READ_USAGE_METRIC",
        ReadUserTask = "READ_USER_TASK",
        Update = "UPDATE",
        UpdateProcessInstance = "UPDATE_PROCESS_INSTANCE",
        UpdateTaskListener = "UPDATE_TASK_LISTENER",
        UpdateUserTask = "UPDATE_USER_TASK",
    }
);

impl ResourceType {
    /// The permission types Camunda 8.9 accepts on this resource type. A permission outside this
    /// set never grants on it.
    pub fn supports(self, permission: PermissionType) -> bool {
        use PermissionType as P;
        use ResourceType as R;
        match self {
            R::AuditLog | R::DecisionRequirementsDefinition => matches!(permission, P::Read),
            R::Authorization
            | R::ClusterVariable
            | R::Group
            | R::MappingRule
            | R::Role
            | R::Tenant
            | R::User => matches!(permission, P::Create | P::Read | P::Update | P::Delete),
            R::Batch => matches!(
                permission,
                P::Create
                    | P::Read
                    | P::Update
                    | P::CreateBatchOperationCancelProcessInstance
                    | P::CreateBatchOperationDeleteDecisionDefinition
                    | P::CreateBatchOperationDeleteDecisionInstance
                    | P::CreateBatchOperationDeleteProcessDefinition
                    | P::CreateBatchOperationDeleteProcessInstance
                    | P::CreateBatchOperationMigrateProcessInstance
                    | P::CreateBatchOperationModifyProcessInstance
                    | P::CreateBatchOperationResolveIncident
            ),
            R::Component => matches!(permission, P::Access),
            R::DecisionDefinition => matches!(
                permission,
                P::CreateDecisionInstance
                    | P::ReadDecisionDefinition
                    | P::ReadDecisionInstance
                    | P::DeleteDecisionInstance
            ),
            R::Document => matches!(permission, P::Create | P::Read | P::Delete),
            R::Expression => matches!(permission, P::Evaluate),
            R::GlobalListener => matches!(
                permission,
                P::CreateTaskListener
                    | P::ReadTaskListener
                    | P::UpdateTaskListener
                    | P::DeleteTaskListener
            ),
            R::Message => matches!(permission, P::Create | P::Read),
            R::ProcessDefinition => matches!(
                permission,
                P::CreateProcessInstance
                    | P::ClaimUserTask
                    | P::ReadProcessDefinition
                    | P::ReadProcessInstance
                    | P::ReadUserTask
                    | P::UpdateProcessInstance
                    | P::UpdateUserTask
                    | P::ModifyProcessInstance
                    | P::CompleteUserTask
                    | P::CancelProcessInstance
                    | P::DeleteProcessInstance
            ),
            R::Resource => matches!(
                permission,
                P::Create
                    | P::Read
                    | P::DeleteDrd
                    | P::DeleteForm
                    | P::DeleteProcess
                    | P::DeleteResource
            ),
            R::System => matches!(
                permission,
                P::Read | P::ReadUsageMetric | P::ReadJobMetric | P::Update
            ),
            R::UserTask => matches!(permission, P::Read | P::Update | P::Claim | P::Complete),
        }
    }
}

string_enum!(
    /// Who an authorization belongs to.
    OwnerType {
        User = "USER",
        Client = "CLIENT",
        Group = "GROUP",
        Role = "ROLE",
        MappingRule = "MAPPING_RULE",
    }
);

string_enum!(
    /// The user-task properties a USER_TASK authorization can be scoped by.
    TaskProperty {
        Assignee = "assignee",
        CandidateUsers = "candidateUsers",
        CandidateGroups = "candidateGroups",
    }
);

string_enum!(
    /// The kind of principal a grant set is issued for.
    PrincipalType {
        User = "USER",
        Client = "CLIENT",
    }
);

/// The principal: who the grant set is for, with its effective groups, roles, tenants and
/// mapping rules, already resolved by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub tenants: Vec<String>,
    pub mapping_rules: Vec<String>,
}

/// One authorization, as Camunda's REST API v2 returns it from `/v2/authorizations/search`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_key: Option<String>,
    pub owner_type: String,
    pub owner_id: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_property_name: Option<String>,
    pub permission_types: Vec<String>,
}

impl Principal {
    fn from_json(value: Value<'_>) -> Result<Self> {
        let mut f = Fields::new(value, ErrorCode::GrantsMalformed, "the principal")?;
        Ok(Principal {
            kind: f.string("type")?,
            id: f.string("id")?,
            groups: f.strings_or_empty("groups")?,
            roles: f.strings_or_empty("roles")?,
            tenants: f.strings_or_empty("tenants")?,
            mapping_rules: f.strings_or_empty("mappingRules")?,
        })
    }
}

impl Authorization {
    fn from_json(value: Value<'_>, index: usize) -> Result<Self> {
        let what = format!("authorization {index}");
        let mut f = Fields::new(value, ErrorCode::GrantsMalformed, &what)?;
        Ok(Authorization {
            authorization_key: f.opt_string("authorizationKey")?,
            owner_type: f.string("ownerType")?,
            owner_id: f.string("ownerId")?,
            resource_type: f.string("resourceType")?,
            resource_id: f.opt_string("resourceId")?,
            resource_property_name: f.opt_string("resourcePropertyName")?,
            permission_types: f.strings("permissionTypes")?,
        })
    }
}

/// What an authorization is scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    Wildcard,
    Id(&'a str),
    Property(&'a str),
}

impl Authorization {
    /// Exactly one of `resourceId` and `resourcePropertyName`; an empty string counts as absent.
    pub fn scope(&self) -> Option<Scope<'_>> {
        let id = self.resource_id.as_deref().filter(|s| !s.is_empty());
        let property = self
            .resource_property_name
            .as_deref()
            .filter(|s| !s.is_empty());
        match (id, property) {
            (Some("*"), None) => Some(Scope::Wildcard),
            (Some(id), None) => Some(Scope::Id(id)),
            (None, Some(property)) => Some(Scope::Property(property)),
            _ => None,
        }
    }
}

/// The version of the grant-set format this crate reads and writes.
pub const GRANTS_VERSION: u64 = 1;

/// The grant-set payload (docs/rules.md, section 10). Unknown fields are ignored.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantSetPayload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    pub exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    pub ver: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub camunda_version: Option<String>,
    pub authorizations_enabled: bool,
    pub multi_tenancy_enabled: bool,
    pub principal: Principal,
    pub authorizations: Vec<Authorization>,
}

impl GrantSetPayload {
    /// Reads a payload from JSON text (`ERR_GRANTS_MALFORMED` when it is not one). Members this
    /// crate does not know are ignored; a member it reads may appear only once.
    pub fn parse(text: &[u8]) -> Result<Self> {
        Self::from_json(crate::json::parse_as(
            text,
            ErrorCode::GrantsMalformed,
            "the payload",
        )?)
    }

    /// Reads a payload from a JSON value.
    pub fn from_json(value: Value<'_>) -> Result<Self> {
        let mut f = Fields::new(value, ErrorCode::GrantsMalformed, "the payload")?;
        let Ok(ver) = u64::try_from(f.integer("ver")?) else {
            return crate::error::err(
                ErrorCode::GrantsMalformed,
                "the payload: `ver` must not be negative",
            );
        };
        Ok(GrantSetPayload {
            iss: f.opt_string("iss")?,
            aud: f
                .optional("aud")?
                .map(|aud| {
                    Audience::from_json(aud, ErrorCode::GrantsMalformed, "the payload: `aud`")
                })
                .transpose()?,
            sub: f.opt_string("sub")?,
            iat: f.opt_integer("iat")?,
            exp: f.integer("exp")?,
            nbf: f.opt_integer("nbf")?,
            jti: f.opt_string("jti")?,
            ver,
            camunda_version: f.opt_string("camundaVersion")?,
            authorizations_enabled: f.boolean("authorizationsEnabled", None)?,
            multi_tenancy_enabled: f.boolean("multiTenancyEnabled", Some(false))?,
            principal: Principal::from_json(f.take("principal")?.unwrap_or(Value::Null))?,
            authorizations: f.records("authorizations", Authorization::from_json)?,
        })
    }
}

/// `aud`: one audience or several (RFC 7519 section 4.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    /// Reads a string or an array of strings; `code` and `what` word the error.
    pub fn from_json(value: Value<'_>, code: ErrorCode, what: &str) -> Result<Self> {
        let many = match value {
            Value::String(one) => return Ok(Self::One(one.into_owned())),
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Some(s.into_owned()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        many.map(Self::Many).ok_or_else(|| {
            crate::error::AuthzError::new(
                code,
                format!("{what} must be a string or an array of strings"),
            )
        })
    }

    pub fn to_json(&self) -> Value<'_> {
        match self {
            Self::One(one) => Value::from(one.as_str()),
            Self::Many(many) => {
                Value::Array(many.iter().map(|a| Value::from(a.as_str())).collect())
            }
        }
    }

    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Self::One(one) => one == audience,
            Self::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

/// The default `task-worker` role's authorizations, as Camunda Identity creates them: USER_TASK
/// READ, CLAIM and COMPLETE on each of the three task properties. Offered to issuers; never
/// assumed by the evaluator.
pub fn task_worker_role_authorizations() -> Vec<Authorization> {
    TaskProperty::ALL
        .iter()
        .map(|property| Authorization {
            authorization_key: None,
            owner_type: OwnerType::Role.as_str().to_owned(),
            owner_id: "task-worker".to_owned(),
            resource_type: ResourceType::UserTask.as_str().to_owned(),
            resource_id: None,
            resource_property_name: Some(property.as_str().to_owned()),
            permission_types: ["READ", "CLAIM", "COMPLETE"].map(str::to_owned).to_vec(),
        })
        .collect()
}
