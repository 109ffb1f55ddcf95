//! The user-task decision, in one place: the table of alternatives, then the lifecycle.
//!
//! A decision runs its steps in the order the engine runs them, and an explanation names the
//! first that refuses:
//!
//! 0. existence (writes only): a task in state `COMPLETED` or `CANCELED` is no longer held by the
//!    engine, and a task whose process instance is not active (`SUSPENDED`, `COMPLETED`,
//!    `TERMINATED`) refuses every command: `task-not-active` whatever the grants and the tenant
//!    ([`Gate::Exists`], [`Gate::InstanceActive`]);
//! 1. tenant: with multi-tenancy on, the task's tenant must be one of the principal's;
//! 2. authorization: any one alternative of the operation (the table below); with
//!    authorizations disabled this step allows everything and the steps after it still apply;
//! 3. state: every operation but get, search and getForm needs the task in state `CREATED`
//!    ([`Gate::Created`]); a task without `state` counts as `CREATED`;
//! 4. assignee: claim is refused while the task's assignee is non-empty and not the principal
//!    ([`Gate::NotAssignedToOther`]); a claim of a task assigned to yourself is allowed, for a
//!    CLIENT too: the engine compares the assignee the claim asks for with the task's, whoever
//!    asks (`UserTaskClaimProcessor.checkClaim`). Only the `assignee` and `candidateUsers`
//!    properties and the self-unassign need a username, which a CLIENT does not have.
//!
//! Step 2, the alternatives:
//!
//! | operation                 | alternatives (any one allows)                                            |
//! |---------------------------|--------------------------------------------------------------------------|
//! | get, search, getForm      | PD READ_USER_TASK; UT READ                                               |
//! | claim                     | PD UPDATE_USER_TASK, PD CLAIM_USER_TASK; UT UPDATE, UT CLAIM             |
//! | assign                    | PD UPDATE_USER_TASK; UT UPDATE                                           |
//! | unassign                  | as assign; or, assigned to the principal: PD CLAIM_USER_TASK, UT CLAIM   |
//! |                           | by `*`, by key or by the `assignee` property                             |
//! | complete                  | PD UPDATE_USER_TASK, PD COMPLETE_USER_TASK; UT UPDATE, UT COMPLETE       |
//! | update                    | PD UPDATE_USER_TASK; UT UPDATE                                           |
//!
//! Steps 0, 3 and 4, the lifecycle gates ([`Operation::early_gates`], [`Operation::gates`]):
//!
//! | operation                 | gates, in order                                                          |
//! |---------------------------|--------------------------------------------------------------------------|
//! | get, search, getForm      | none                                                                     |
//! | claim                     | before the tenant: the task exists, its process instance is active; after the authorization: state `CREATED`, not assigned to another (`assigned-to-other`) |
//! | assign, unassign, complete, update | before the tenant: the task exists, its process instance is active; after the authorization: state `CREATED` |
//!
//! PD is a PROCESS_DEFINITION grant on the task's `processDefinitionId` (or `*`); UT a USER_TASK
//! grant on the task's `userTaskKey` (or `*`) or on one of its properties. Process-level
//! alternatives come first, so an explanation names them when they hold. The self-unassign by
//! PD CLAIM_USER_TASK is what the 8.9 engine accepts (its `UserTaskAssignAuthorizationTest`).
//!
//! Where the steps come from, in camunda/camunda,
//! `zeebe/engine/src/main/java/io/camunda/zeebe/engine/processing/usertask/processors/`:
//! `UserTaskClaimProcessor.java` validates existence (tenant), `checkAuthorization`,
//! `checkLifecycleState` (`LifecycleState.CREATED` only) and then `checkClaim` (refused "it has
//! already been assigned" unless the current assignee is blank or equals the new one);
//! `UserTaskAssignProcessor.java` (assign and unassign), `UserTaskCompleteProcessor.java` and
//! `UserTaskUpdateProcessor.java` run existence, authorization and `checkLifecycleState` with
//! `CREATED` only, with no assignee check; the rejection text of the state check is in
//! `UserTaskCommandPreconditionValidator.java`. The states are the REST API's
//! `UserTaskStateEnum` (`zeebe/gateway-protocol/src/main/proto/v2/user-tasks.yaml`). Reads
//! (get, search, getForm) are queries, not engine commands: no lifecycle check. Step 0: a
//! completed or canceled task is removed from the engine's state, so the existence check (the
//! first of `UserTaskCommandPreconditionValidator`) answers NOT_FOUND before the authorization;
//! and from 8.10 a command on a task whose process instance is suspended is rejected with
//! INVALID_STATE by the suspension gate, which runs before the user-task processor
//! (`UserTaskSuspensionGateTest`, zeebe/engine/src/test/java/io/camunda/zeebe/engine/processing/usertask/,
//! @141b3d46). The user-task object does not carry its instance's state: a task may carry
//! `processInstanceState` (the process-instance API's `state`). One difference
//! on purpose: the engine's `checkClaim` tests `isBlank()`, so it treats an assignee of only
//! white space as unassigned; here only an empty (or absent) assignee is, since the API never
//! sends a blank one and a stricter answer fails closed.

use crate::error::{err, ErrorCode, Result};
use crate::model::{PermissionType, ResourceType};

/// Why a decision came out as it did, for programs (`Decision::reason` and `Decision::message`
/// say it for people): the step that refused, or how it was allowed; and, for Tasklist's
/// buttons, the screen rule that refused (`crate::buttons`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonCode {
    Granted,
    AuthorizationsDisabled,
    TenantNotAssigned,
    NoGrant,
    TaskNotActive,
    AssignedToOther,
    /// A button's screen rule: "Assign to me" on a task that has an assignee.
    AlreadyAssigned,
    /// A button's screen rule: "Unassign" on a task without an assignee.
    NotAssigned,
    /// A button's screen rule: "Complete" on a task the principal is not the assignee of.
    NotAssignee,
}

impl ReasonCode {
    pub const ALL: [ReasonCode; 9] = [
        Self::Granted,
        Self::AuthorizationsDisabled,
        Self::TenantNotAssigned,
        Self::NoGrant,
        Self::TaskNotActive,
        Self::AssignedToOther,
        Self::AlreadyAssigned,
        Self::NotAssigned,
        Self::NotAssignee,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::AuthorizationsDisabled => "authorizations-disabled",
            Self::TenantNotAssigned => "tenant-not-assigned",
            Self::NoGrant => "no-grant",
            Self::TaskNotActive => "task-not-active",
            Self::AssignedToOther => "assigned-to-other",
            Self::AlreadyAssigned => "already-assigned",
            Self::NotAssigned => "not-assigned",
            Self::NotAssignee => "not-assignee",
        }
    }
}

/// The eight user-task operations. The discriminant is the bit in an actions mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Operation {
    Get = 0,
    Search = 1,
    GetForm = 2,
    Claim = 3,
    Assign = 4,
    Unassign = 5,
    Complete = 6,
    Update = 7,
}

impl Operation {
    pub const ALL: [Operation; 8] = [
        Self::Get,
        Self::Search,
        Self::GetForm,
        Self::Claim,
        Self::Assign,
        Self::Unassign,
        Self::Complete,
        Self::Update,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Search => "search",
            Self::GetForm => "getForm",
            Self::Claim => "claim",
            Self::Assign => "assign",
            Self::Unassign => "unassign",
            Self::Complete => "complete",
            Self::Update => "update",
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        match Self::ALL.iter().find(|op| op.as_str() == name) {
            Some(op) => Ok(*op),
            None => err(
                ErrorCode::OperationUnknown,
                format!(
                    "unknown operation `{name}`; expected one of get, search, getForm, claim, assign, unassign, complete, update"
                ),
            ),
        }
    }

    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The alternatives of this operation, in the order an explanation prefers them.
    pub const fn alternatives(self) -> &'static [Alternative] {
        use Alternative::*;
        use TaskPermission::*;
        match self {
            Self::Get | Self::Search | Self::GetForm => &[Process(Read), Task(Read, ANY_SCOPE)],
            Self::Claim => &[
                Process(Update),
                Process(Claim),
                Task(Update, ANY_SCOPE),
                Task(Claim, ANY_SCOPE),
            ],
            Self::Assign | Self::Update => &[Process(Update), Task(Update, ANY_SCOPE)],
            Self::Unassign => &[
                Process(Update),
                OwnProcess(Claim),
                Task(Update, ANY_SCOPE),
                OwnTask(Claim, SELF_UNASSIGN_SCOPES),
            ],
            Self::Complete => &[
                Process(Update),
                Process(Complete),
                Task(Update, ANY_SCOPE),
                Task(Complete, ANY_SCOPE),
            ],
        }
    }
}

impl Operation {
    /// Whether this is a command of the engine (a write), as opposed to a query.
    pub const fn is_write(self) -> bool {
        !matches!(self, Self::Get | Self::Search | Self::GetForm)
    }

    /// What the operation needs of the task before the tenant and the authorization (step 0).
    pub const fn early_gates(self) -> &'static [Gate] {
        if self.is_write() {
            &[Gate::Exists, Gate::InstanceActive]
        } else {
            &[]
        }
    }

    /// What the operation needs of the task's lifecycle after the authorization, in the order
    /// an explanation checks them (steps 3 and 4).
    pub const fn gates(self) -> &'static [Gate] {
        match self {
            Self::Get | Self::Search | Self::GetForm => &[],
            Self::Claim => &[Gate::Created, Gate::NotAssignedToOther],
            Self::Assign | Self::Unassign | Self::Complete | Self::Update => &[Gate::Created],
        }
    }
}

/// A lifecycle condition of an operation (steps 0, 3 and 4 of a decision).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The engine still holds the task: its state is not `COMPLETED` or `CANCELED`.
    Exists,
    /// The task's process instance is active (or the task does not say).
    InstanceActive,
    /// The task is in state `CREATED` (or has no state).
    Created,
    /// The task is unassigned or assigned to the principal.
    NotAssignedToOther,
}

/// A state enum whose discriminant is its code in a task record (code 0 is a task that does not
/// say, [`STATE_UNKNOWN`] a string that is no state): `ALL`, `as_str`, `parse` and `code_of`
/// from one list of names.
macro_rules! state_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum $name { $($variant = $code),+ }

        impl $name {
            pub const ALL: [$name; [$($code),+].len()] = [$(Self::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|state| state.as_str() == name)
            }

            /// The code of the state named `state` in a record: 0 without one,
            /// [`STATE_UNKNOWN`] for a string that is no state.
            pub fn code_of(state: Option<&str>) -> u32 {
                state.map_or(0, |name| Self::parse(name).map_or(STATE_UNKNOWN, |state| state as u32))
            }
        }
    };
}

state_enum!(
    /// Camunda's `UserTaskStateEnum`, in its order (a task's `state`).
    TaskState {
        Creating = 1 => "CREATING",
        Created = 2 => "CREATED",
        Assigning = 3 => "ASSIGNING",
        Updating = 4 => "UPDATING",
        Completing = 5 => "COMPLETING",
        Completed = 6 => "COMPLETED",
        Canceling = 7 => "CANCELING",
        Canceled = 8 => "CANCELED",
        Failed = 9 => "FAILED",
    }
);

state_enum!(
    /// Camunda's `ProcessInstanceStateEnum` (8.10: `zeebe/gateway-protocol/src/main/proto/v2/`
    /// process instances), in its order, for a task's optional `processInstanceState`.
    InstanceState {
        Active = 1 => "ACTIVE",
        Suspended = 2 => "SUSPENDED",
        Completed = 3 => "COMPLETED",
        Terminated = 4 => "TERMINATED",
    }
);

/// The record code of a state string that is not a [`TaskState`] (or an [`InstanceState`]).
pub const STATE_UNKNOWN: u32 = u32::MAX;

/// The lifecycle facts of one task that the gates look at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lifecycle {
    /// The task's state is `COMPLETED` or `CANCELED`: the engine no longer holds it.
    pub gone: bool,
    /// The task says its process instance is not active (any `processInstanceState` but
    /// `ACTIVE`; a string that is no state too, failing closed).
    pub halted: bool,
    /// The task's state is not `CREATED` (a task without state counts as `CREATED`).
    pub inactive: bool,
    /// The task's assignee is non-empty and not the principal.
    pub assigned_to_other: bool,
}

impl Lifecycle {
    /// From a record's state code, its process-instance state code and whether the assignee is
    /// someone else.
    pub const fn new(state_code: u32, instance_code: u32, assigned_to_other: bool) -> Self {
        Lifecycle {
            gone: state_code == TaskState::Completed as u32
                || state_code == TaskState::Canceled as u32,
            halted: instance_code != 0 && instance_code != InstanceState::Active as u32,
            inactive: state_code != 0 && state_code != TaskState::Created as u32,
            assigned_to_other,
        }
    }

    const fn refuses(self, gate: Gate) -> bool {
        match gate {
            Gate::Exists => self.gone,
            Gate::InstanceActive => self.halted,
            Gate::Created => self.inactive,
            Gate::NotAssignedToOther => self.assigned_to_other,
        }
    }

    /// The first of `gates` that this lifecycle refuses.
    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: an index out of range fails the build"
    )]
    const fn first_refused(self, gates: &[Gate]) -> Option<Gate> {
        let mut i = 0;
        while i < gates.len() {
            if self.refuses(gates[i]) {
                return Some(gates[i]);
            }
            i += 1;
        }
        None
    }

    /// The first gate of step 0 (before the tenant) that refuses `op`.
    pub const fn early_refusal(self, op: Operation) -> Option<Gate> {
        self.first_refused(op.early_gates())
    }

    /// The first gate of steps 3 and 4 (after the authorization) that refuses `op`.
    pub const fn refusal(self, op: Operation) -> Option<Gate> {
        self.first_refused(op.gates())
    }

    /// The operations the lifecycle lets through, as a mask: one lookup in [`LIFECYCLE`].
    pub fn mask(self) -> u8 {
        LIFECYCLE.get(self.index()).copied().unwrap_or(0)
    }

    const fn index(self) -> usize {
        self.inactive as usize
            | (self.assigned_to_other as usize) << 1
            | (self.gone as usize) << 2
            | (self.halted as usize) << 3
    }

    const fn with_index(index: usize) -> Self {
        Lifecycle {
            inactive: index & 1 != 0,
            assigned_to_other: index & 2 != 0,
            gone: index & 4 != 0,
            halted: index & 8 != 0,
        }
    }

    /// The operations no gate refuses, by trying each: what [`LIFECYCLE`] is built from.
    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: an index out of range fails the build"
    )]
    const fn mask_by_gates(self) -> u8 {
        let mut mask = 0;
        let mut i = 0;
        while i < Operation::ALL.len() {
            let op = Operation::ALL[i];
            if self.early_refusal(op).is_none() && self.refusal(op).is_none() {
                mask |= op.bit();
            }
            i += 1;
        }
        mask
    }
}

/// The lifecycle mask for each combination of [`Lifecycle`], computed at compile time from
/// [`Operation::gates`].
static LIFECYCLE: [u8; 16] = lifecycle_table();

#[allow(
    clippy::indexing_slicing,
    reason = "const evaluation: an index out of range fails the build"
)]
const fn lifecycle_table() -> [u8; 16] {
    let mut table = [0; 16];
    let mut index = 0;
    while index < table.len() {
        table[index] = Lifecycle::with_index(index).mask_by_gates();
        index += 1;
    }
    table
}

/// The four task permissions, each with a PROCESS_DEFINITION and a USER_TASK form.
/// The discriminant is the bit in a permission mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TaskPermission {
    Read = 0,
    Update = 1,
    Claim = 2,
    Complete = 3,
}

impl TaskPermission {
    pub const ALL: [TaskPermission; 4] = [Self::Read, Self::Update, Self::Claim, Self::Complete];

    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The PROCESS_DEFINITION permission type.
    pub const fn on_process(self) -> PermissionType {
        match self {
            Self::Read => PermissionType::ReadUserTask,
            Self::Update => PermissionType::UpdateUserTask,
            Self::Claim => PermissionType::ClaimUserTask,
            Self::Complete => PermissionType::CompleteUserTask,
        }
    }

    /// The USER_TASK permission type.
    pub const fn on_task(self) -> PermissionType {
        match self {
            Self::Read => PermissionType::Read,
            Self::Update => PermissionType::Update,
            Self::Claim => PermissionType::Claim,
            Self::Complete => PermissionType::Complete,
        }
    }

    /// The task permission a (resource type, permission type) pair stands for, if any.
    pub fn from_grant(resource: ResourceType, permission: PermissionType) -> Option<Self> {
        Self::ALL.into_iter().find(|p| match resource {
            ResourceType::ProcessDefinition => p.on_process() == permission,
            ResourceType::UserTask => p.on_task() == permission,
            _ => false,
        })
    }
}

/// How a USER_TASK grant can reach a task. The discriminant is the bit in a scope mask and the
/// order in which an explanation prefers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TaskScope {
    Key = 0,
    Wildcard = 1,
    Assignee = 2,
    CandidateUsers = 3,
    CandidateGroups = 4,
}

impl TaskScope {
    pub const ALL: [TaskScope; 5] = [
        Self::Key,
        Self::Wildcard,
        Self::Assignee,
        Self::CandidateUsers,
        Self::CandidateGroups,
    ];

    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub const fn matched_by(self) -> MatchedBy {
        match self {
            Self::Key => MatchedBy::UserTaskKey,
            Self::Wildcard => MatchedBy::Wildcard,
            Self::Assignee => MatchedBy::Assignee,
            Self::CandidateUsers => MatchedBy::CandidateUsers,
            Self::CandidateGroups => MatchedBy::CandidateGroups,
        }
    }
}

pub const ANY_SCOPE: u8 = 0b1_1111;
pub const SELF_UNASSIGN_SCOPES: u8 =
    TaskScope::Key.bit() | TaskScope::Wildcard.bit() | TaskScope::Assignee.bit();

/// One alternative of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alternative {
    /// A PROCESS_DEFINITION grant on the task's process (or `*`).
    Process(TaskPermission),
    /// A USER_TASK grant reaching the task by one of the scopes in the mask.
    Task(TaskPermission, u8),
    /// As `Process`, only when the task is assigned to the principal.
    OwnProcess(TaskPermission),
    /// As `Task`, only when the task is assigned to the principal.
    OwnTask(TaskPermission, u8),
}

/// What made a grant apply to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// `isAuthorized` only: a grant on the exact resource id.
    ResourceId,
    ProcessDefinitionId,
    UserTaskKey,
    Wildcard,
    Assignee,
    CandidateUsers,
    CandidateGroups,
}

impl MatchedBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ResourceId => "resourceId",
            Self::ProcessDefinitionId => "processDefinitionId",
            Self::UserTaskKey => "userTaskKey",
            Self::Wildcard => "wildcard",
            Self::Assignee => "assignee",
            Self::CandidateUsers => "candidateUsers",
            Self::CandidateGroups => "candidateGroups",
        }
    }
}

/// Which grants reach one task, as permission masks (bit = `TaskPermission`). Computed once per
/// task; every operation is then a few bit tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// The tenant gate passed (always true when multi-tenancy is off).
    pub tenant_ok: bool,
    /// The task is assigned to the principal (a USER whose id equals the non-empty assignee).
    pub own: bool,
    /// PROCESS_DEFINITION grants on the task's process id.
    pub process_exact: u8,
    /// PROCESS_DEFINITION grants on `*`.
    pub process_wildcard: u8,
    /// USER_TASK grants, indexed by `TaskScope`.
    pub task: [u8; 5],
    /// The facts the lifecycle gates look at.
    pub lifecycle: Lifecycle,
}

/// Where an alternative held: the alternative and how its grant reached the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub alternative: Alternative,
    pub permission: TaskPermission,
    pub route: Route,
}

/// The route by which a hit's grant reached the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    ProcessExact,
    ProcessWildcard,
    Task(TaskScope),
}

impl Reach {
    /// The first alternative of `op` that holds, or `None` (deny). Ignores the gates.
    pub fn first_hit(&self, op: Operation) -> Option<Hit> {
        let alternative = op.alternatives().iter().copied().find(|a| self.holds(*a))?;
        let (permission, route) = match alternative {
            Alternative::Process(p) | Alternative::OwnProcess(p) => (p, self.process_route(p)?),
            Alternative::Task(p, scopes) | Alternative::OwnTask(p, scopes) => {
                (p, self.task_route(p, scopes)?)
            }
        };
        Some(Hit {
            alternative,
            permission,
            route,
        })
    }

    /// How a process-level grant of `p` reached the task (exact id before `*`).
    fn process_route(&self, p: TaskPermission) -> Option<Route> {
        if self.process_exact & p.bit() != 0 {
            Some(Route::ProcessExact)
        } else if self.process_wildcard & p.bit() != 0 {
            Some(Route::ProcessWildcard)
        } else {
            None
        }
    }

    /// The first of `scopes`, in explanation order, by which a USER_TASK grant of `p` reached it.
    fn task_route(&self, p: TaskPermission, scopes: u8) -> Option<Route> {
        let reached = self.scopes(p) & scopes;
        TaskScope::ALL
            .into_iter()
            .find(|scope| reached & scope.bit() != 0)
            .map(Route::Task)
    }

    /// All eight operations as a mask (bit = `Operation`), every step included given `enabled`.
    /// Two table lookups: this runs once per task of every list.
    pub fn actions_mask(&self, authorizations_enabled: bool) -> u8 {
        if !self.tenant_ok {
            return 0;
        }
        let authorized = if authorizations_enabled {
            ACTIONS.get(self.facts()).copied().unwrap_or(0)
        } else {
            0xff
        };
        authorized & self.lifecycle.mask()
    }

    /// Whether `op` is allowed, every step included given `enabled`: the one operation of
    /// [`Reach::actions_mask`], step by step.
    pub fn allows(&self, op: Operation, authorizations_enabled: bool) -> bool {
        self.lifecycle.early_refusal(op).is_none()
            && self.tenant_ok
            && (!authorizations_enabled || self.first_hit(op).is_some())
            && self.lifecycle.refusal(op).is_none()
    }

    /// The facts the eight operations depend on, as an index into [`ACTIONS`]: the
    /// process-level permissions (bits 0-3), the task-level permissions by any scope (4-7),
    /// whether the task is the principal's own (8) and whether a task-level CLAIM reaches it by
    /// a self-unassign scope (9). Every alternative asks for any scope or for those.
    const fn facts(&self) -> usize {
        let [key, wildcard, assignee, users, groups] = self.task;
        let process = self.process_exact | self.process_wildcard;
        let any = key | wildcard | assignee | users | groups;
        let self_unassign = self.scopes(TaskPermission::Claim) & SELF_UNASSIGN_SCOPES != 0;
        process as usize
            | (any as usize) << 4
            | (self.own as usize) << 8
            | (self_unassign as usize) << 9
    }

    /// A reach with exactly these facts (the inverse of [`Reach::facts`]).
    const fn with_facts(facts: usize) -> Reach {
        let claim = TaskPermission::Claim.bit();
        let self_unassign = facts & (1 << 9) != 0;
        Reach {
            tenant_ok: true,
            lifecycle: Lifecycle {
                gone: false,
                halted: false,
                inactive: false,
                assigned_to_other: false,
            },
            own: facts & (1 << 8) != 0,
            process_exact: (facts & 0xf) as u8,
            process_wildcard: 0,
            // By key when a CLAIM reaches by a self-unassign scope; the rest by candidate group
            // (a scope no self-unassign alternative accepts).
            task: [
                if self_unassign { claim } else { 0 },
                0,
                0,
                0,
                ((facts >> 4) & 0xf) as u8,
            ],
        }
    }

    /// The eight operations by trying every alternative: what [`ACTIONS`] is built from.
    #[allow(
        clippy::indexing_slicing,
        reason = "const evaluation: an index out of range fails the build"
    )]
    const fn mask_by_alternatives(&self) -> u8 {
        let mut mask = 0;
        let mut i = 0;
        while i < Operation::ALL.len() {
            let op = Operation::ALL[i];
            let alternatives = op.alternatives();
            let mut j = 0;
            while j < alternatives.len() {
                if self.holds(alternatives[j]) {
                    mask |= op.bit();
                    break;
                }
                j += 1;
            }
            i += 1;
        }
        mask
    }

    /// Whether an alternative holds (gates aside): the one test behind `first_hit` and
    /// [`ACTIONS`]; `first_hit` then says by which route.
    const fn holds(&self, alternative: Alternative) -> bool {
        let process = self.process_exact | self.process_wildcard;
        match alternative {
            Alternative::Process(p) => process & p.bit() != 0,
            Alternative::OwnProcess(p) => self.own && process & p.bit() != 0,
            Alternative::Task(p, scopes) => self.scopes(p) & scopes != 0,
            Alternative::OwnTask(p, scopes) => self.own && self.scopes(p) & scopes != 0,
        }
    }

    /// The scopes (bit = `TaskScope`) by which USER_TASK grants of `p` reach the task.
    const fn scopes(&self, p: TaskPermission) -> u8 {
        let bit = p.bit();
        let [key, wildcard, assignee, users, groups] = self.task;
        ((key & bit != 0) as u8) << TaskScope::Key as u8
            | ((wildcard & bit != 0) as u8) << TaskScope::Wildcard as u8
            | ((assignee & bit != 0) as u8) << TaskScope::Assignee as u8
            | ((users & bit != 0) as u8) << TaskScope::CandidateUsers as u8
            | ((groups & bit != 0) as u8) << TaskScope::CandidateGroups as u8
    }
}

/// The actions mask for every combination of [`Reach::facts`], computed at compile time from
/// the alternatives by [`Reach::holds`].
static ACTIONS: [u8; 1024] = actions_table();

#[allow(
    clippy::indexing_slicing,
    reason = "const evaluation: an index out of range fails the build"
)]
const fn actions_table() -> [u8; 1024] {
    let mut table = [0; 1024];
    let mut facts = 0;
    while facts < table.len() {
        table[facts] = Reach::with_facts(facts).mask_by_alternatives();
        facts += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table agrees with trying every alternative, on reaches of every shape (seeded).
    #[test]
    fn the_actions_table_agrees_with_the_alternatives() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state & 0xf) as u8
        };
        for _ in 0..200_000 {
            let reach = Reach {
                tenant_ok: true,
                lifecycle: Lifecycle::default(),
                own: next() & 1 == 1,
                process_exact: next(),
                process_wildcard: next() & next(),
                task: [next(), next() & next(), next(), next() & next(), next()],
            };
            assert_eq!(
                reach.actions_mask(true),
                reach.mask_by_alternatives(),
                "{reach:?}"
            );
            assert_eq!(Reach::with_facts(reach.facts()).facts(), reach.facts());
        }
    }

    /// The lifecycle table agrees with the gates, and every step of `actions_mask` agrees with
    /// `allows`, the step-by-step reading, on reaches of every shape (seeded).
    #[test]
    fn the_lifecycle_table_agrees_with_the_gates_and_allows() {
        for index in 0..16 {
            let lifecycle = Lifecycle::with_index(index);
            assert_eq!(lifecycle.index(), index);
            assert_eq!(lifecycle.mask(), lifecycle.mask_by_gates());
        }
        assert_eq!(Lifecycle::default().mask(), 0xff);
        let reads = Operation::Get.bit() | Operation::Search.bit() | Operation::GetForm.bit();
        assert_eq!(Lifecycle::with_index(1).mask(), reads);
        assert_eq!(Lifecycle::with_index(2).mask(), !Operation::Claim.bit());
        assert_eq!(
            Lifecycle::with_index(4).mask(),
            reads,
            "a task the engine no longer holds"
        );
        assert_eq!(
            Lifecycle::with_index(8).mask(),
            reads,
            "a halted process instance"
        );
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state & 0xf) as u8
        };
        for _ in 0..100_000 {
            let reach = Reach {
                tenant_ok: next() & 7 != 0,
                lifecycle: Lifecycle::with_index(usize::from(next() & 15)),
                own: next() & 1 == 1,
                process_exact: next() & next(),
                process_wildcard: next() & next() & next(),
                task: [
                    next() & next(),
                    next() & next(),
                    next(),
                    next(),
                    next() & next(),
                ],
            };
            for enabled in [true, false] {
                let mask = reach.actions_mask(enabled);
                for op in Operation::ALL {
                    assert_eq!(
                        mask & op.bit() != 0,
                        reach.allows(op, enabled),
                        "{reach:?} {op:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn state_codes_are_the_enum_order_and_unknown_strings_are_unknown() {
        for (i, state) in TaskState::ALL.into_iter().enumerate() {
            assert_eq!(state as usize, i + 1);
            assert_eq!(TaskState::parse(state.as_str()), Some(state));
            assert_eq!(TaskState::code_of(Some(state.as_str())), state as u32);
        }
        assert_eq!(TaskState::code_of(None), 0);
        for name in ["created", "", "CREATED ", "DONE"] {
            assert_eq!(TaskState::code_of(Some(name)), STATE_UNKNOWN);
        }
        assert!(!Lifecycle::new(0, 0, false).inactive);
        assert!(!Lifecycle::new(TaskState::Created as u32, 0, false).inactive);
        assert!(Lifecycle::new(TaskState::Completed as u32, 0, false).inactive);
        assert!(Lifecycle::new(STATE_UNKNOWN, 0, false).inactive);
        assert!(Lifecycle::new(77, 0, false).inactive);
        for (state, gone) in [
            (TaskState::Completed, true),
            (TaskState::Canceled, true),
            (TaskState::Completing, false),
            (TaskState::Canceling, false),
            (TaskState::Failed, false),
        ] {
            assert_eq!(
                Lifecycle::new(state as u32, 0, false).gone,
                gone,
                "{state:?}"
            );
        }
        for (i, state) in InstanceState::ALL.into_iter().enumerate() {
            assert_eq!(state as usize, i + 1);
            assert_eq!(InstanceState::code_of(Some(state.as_str())), state as u32);
            assert_eq!(
                Lifecycle::new(0, state as u32, false).halted,
                state != InstanceState::Active
            );
        }
        assert!(
            !Lifecycle::new(0, 0, false).halted,
            "a task that does not say is active"
        );
        assert!(
            Lifecycle::new(0, InstanceState::code_of(Some("active")), false).halted,
            "an unknown state fails closed"
        );
    }
}
