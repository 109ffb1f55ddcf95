//! The Camunda 8 authorization model: resource types, permission types, the releases that have
//! them, owners, principals, authorizations and the grant-set payload.
//!
//! Names are kept as strings in the payload so that a newer server's types never make a grant
//! set unreadable; `ResourceType` and `PermissionType` recognise every type this crate knows,
//! [`CamundaVersion`] says which of them the grant set's release has, and anything else never
//! grants.

use serde::Serialize;

use crate::error::{err, ErrorCode, Result};
use crate::json::{Fields, Value};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The names, in the order of [`Self::ALL`].
            const NAMES: &'static [&'static str] = &[$($text),+];

            /// A search of [`Self::NAMES`] rather than a `match`: one small loop instead of a
            /// comparison per name in the WebAssembly module.
            pub fn parse(text: &str) -> Option<Self> {
                let index = Self::NAMES.iter().position(|name| *name == text)?;
                Self::ALL.get(index).copied()
            }

            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}

string_enum!(
    /// The resource types this crate knows (which release has which: [`CamundaVersion`]).
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
        Secret = "SECRET",
        System = "SYSTEM",
        Tenant = "TENANT",
        User = "USER",
        UserTask = "USER_TASK",
    }
);

string_enum!(
    /// The permission types this crate knows (which release has which: [`CamundaVersion`]).
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
        CreateBatchOperationSuspendProcessInstance = "CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE",
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
        Reveal = "REVEAL",
        SuspendProcessInstance = "SUSPEND_PROCESS_INSTANCE",
        Update = "UPDATE",
        UpdateProcessInstance = "UPDATE_PROCESS_INSTANCE",
        UpdateTaskListener = "UPDATE_TASK_LISTENER",
        UpdateUserTask = "UPDATE_USER_TASK",
    }
);

impl ResourceType {
    /// The permission types Camunda accepts on this resource type, in the newest release known
    /// (camunda/camunda-security-library
    /// `api/src/main/java/io/camunda/security/api/model/authz/AuthorizationResourceType.java`;
    /// 8.9's is camunda/camunda
    /// `zeebe/protocol/src/main/java/io/camunda/zeebe/protocol/record/value/AuthorizationResourceType.java`).
    /// A permission outside this set never grants on it; an older release lacks what
    /// [`INTRODUCED`] says came later.
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
                    | P::CreateBatchOperationSuspendProcessInstance
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
                    | P::SuspendProcessInstance
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
            R::Secret => matches!(permission, P::Read | P::Reveal),
            R::System => matches!(
                permission,
                P::Read | P::ReadUsageMetric | P::ReadJobMetric | P::Update
            ),
            R::UserTask => matches!(permission, P::Read | P::Update | P::Claim | P::Complete),
        }
    }
}

/// A resource or a permission type, for [`INTRODUCED`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownType {
    Resource(ResourceType),
    Permission(PermissionType),
}

/// The types that came after 8.8, the first release with this authorization model, and the
/// minor release (`8.<minor>`) that brought each; every type not listed exists since 8.8.
///
/// - 8.9: the `USER_TASK` resource and `CLAIM_USER_TASK` / `COMPLETE_USER_TASK` on
///   `PROCESS_DEFINITION` (camunda/camunda
///   `zeebe/protocol/src/main/java/io/camunda/zeebe/protocol/record/value/AuthorizationResourceType.java`
///   has them in 8.9; Camunda's published 8.8 schemas, `@camunda/camunda-api-zod-schemas`
///   `dist/8.8/authorization.d.ts`, do not);
/// - 8.10: the `SECRET` resource with `READ` and `REVEAL`, `SUSPEND_PROCESS_INSTANCE` on
///   `PROCESS_DEFINITION` and `CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE` on `BATCH`
///   (the published `dist/8.10/authorization.d.ts`, and camunda/camunda-security-library
///   `api/src/main/java/io/camunda/security/api/model/authz/AuthorizationResourceType.java`).
///   That main branch also has `BACKUP`, `EXPORTER` and more, which no published schema has yet:
///   they are left out until a release has them.
pub const INTRODUCED: &[(KnownType, u32)] = {
    use KnownType::{Permission as P, Resource as R};
    &[
        (R(ResourceType::UserTask), 9),
        (P(PermissionType::ClaimUserTask), 9),
        (P(PermissionType::CompleteUserTask), 9),
        (R(ResourceType::Secret), 10),
        (P(PermissionType::Reveal), 10),
        (P(PermissionType::SuspendProcessInstance), 10),
        (
            P(PermissionType::CreateBatchOperationSuspendProcessInstance),
            10,
        ),
    ]
};

/// A Camunda 8 release, `8.<minor>`: which resource and permission types exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CamundaVersion {
    pub minor: u32,
}

impl CamundaVersion {
    /// The first release with this authorization model.
    pub const FIRST: Self = Self { minor: 8 };
    /// The newest release whose types this crate knows. A newer one, and a grant set that does
    /// not say, decides by its rules.
    pub const NEWEST_KNOWN: Self = Self { minor: 10 };
    /// What a compiled grant set falls back to if its version could not be read (never, after
    /// validation): a release with no types, so nothing grants.
    pub const NONE: Self = Self { minor: 0 };

    /// `camundaVersion` of a payload: `8.<n>` with `n` decimal (no sign, no leading zero);
    /// absent is [`Self::NEWEST_KNOWN`]. Anything else is `ERR_GRANTS_MALFORMED`.
    pub fn of_payload(text: Option<&str>) -> Result<Self> {
        let Some(text) = text else {
            return Ok(Self::NEWEST_KNOWN);
        };
        let minor = text
            .strip_prefix("8.")
            .filter(|n| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && (n.len() == 1 || !n.starts_with('0'))
            })
            .and_then(|n| n.parse::<u32>().ok());
        match minor {
            Some(minor) => Ok(Self { minor }),
            None => crate::error::err(
                ErrorCode::GrantsMalformed,
                format!(
                    "the payload: `camundaVersion` must be `8.<minor>` such as `8.9`, not `{text}`"
                ),
            ),
        }
    }

    /// The release whose rules decide: this one, or the newest known when it is newer.
    pub fn rules(self) -> Self {
        self.min(Self::NEWEST_KNOWN)
    }

    fn has(self, known: KnownType) -> bool {
        let since = INTRODUCED
            .iter()
            .find(|(t, _)| *t == known)
            .map_or(Self::FIRST.minor, |(_, minor)| *minor);
        since <= self.minor
    }

    /// A resource type of this release.
    pub fn resource(self, text: &str) -> Option<ResourceType> {
        ResourceType::parse(text).filter(|r| self.has(KnownType::Resource(*r)))
    }

    /// A permission type of this release.
    pub fn permission(self, text: &str) -> Option<PermissionType> {
        PermissionType::parse(text).filter(|p| self.has(KnownType::Permission(*p)))
    }
}

impl std::fmt::Display for CamundaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "8.{}", self.minor)
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

/// The grant-set payload. Unknown fields are ignored.
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
    /// The 8.10 physical tenant the grant set was read from (the issuer's `/physical-tenants/<id>`
    /// prefix), when the issuer names one; a verifier may require it (`physicalTenant`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_tenant: Option<String>,
    pub ver: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub camunda_version: Option<String>,
    pub authorizations_enabled: bool,
    pub multi_tenancy_enabled: bool,
    pub principal: Principal,
    pub authorizations: Vec<Authorization>,
}

impl GrantSetPayload {
    /// The release named by `camundaVersion` (absent: the newest known).
    pub fn version(&self) -> Result<CamundaVersion> {
        CamundaVersion::of_payload(self.camunda_version.as_deref())
    }

    /// The structural rules of a payload that its reader does not check.
    pub fn validate(&self) -> Result<()> {
        let payload = self;
        payload.version()?;
        if payload.ver != GRANTS_VERSION {
            return err(
                ErrorCode::GrantsMalformed,
                format!(
                    "unsupported grant-set version `{}`; this build reads version {GRANTS_VERSION}",
                    payload.ver
                ),
            );
        }
        let principal = &payload.principal;
        if PrincipalType::parse(&principal.kind).is_none() {
            return err(
                ErrorCode::GrantsMalformed,
                format!("principal type `{}` is not USER or CLIENT", principal.kind),
            );
        }
        if principal.id.is_empty() {
            return err(ErrorCode::GrantsMalformed, "principal id is empty");
        }
        for (index, authorization) in payload.authorizations.iter().enumerate() {
            if authorization.scope().is_none() {
                return err(
                    ErrorCode::GrantsMalformed,
                    format!("authorization {index} must have exactly one of `resourceId` and `resourcePropertyName`"),
                );
            }
        }
        Ok(())
    }

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
            physical_tenant: f.opt_string("physicalTenant")?,
            ver,
            camunda_version: {
                let version = f.opt_string("camundaVersion")?;
                CamundaVersion::of_payload(version.as_deref())?;
                version
            },
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
