//! The evaluator: a grant set compiled once into an index, then decisions by lookup.
//!
//! Compilation keeps only the authorizations that count for the principal (its own, or its
//! groups', roles' or mapping rules'), of resource and permission types that the grant set's
//! Camunda release has (`camundaVersion`, see [`CamundaVersion`]), and
//! interns every string a decision can compare against (process ids and task keys named by
//! grants, the username, the group and tenant ids) as a small integer `Sym`. A task then reduces
//! to a [`Reach`]: which grants reach it and where it is in its lifecycle, as bit masks; every
//! operation is a few bit tests. The steps and their order are in [`crate::rules`].

use crate::json::Value;

use crate::decision::Decision;
use crate::error::{err, ErrorCode, Result};
use crate::jws::VerifiedGrants;
use crate::messages::Params;
use crate::model::{
    Authorization, CamundaVersion, GrantSetPayload, OwnerType, PermissionType, PrincipalType,
    ResourceType, Scope, TaskProperty,
};
use crate::rules::{
    Alternative, Gate, Hit, InstanceState, Lifecycle, MatchedBy, Operation, Reach, ReasonCode,
    Route, TaskPermission, TaskScope, TaskState,
};
use crate::sorted_map::SortedMap;
use crate::task::Task;

/// An interned string; `0` stands for "absent, empty, or not named by any grant".
pub type Sym = u32;

/// The assignee of a task record that is non-empty but not in the vocabulary: someone who is
/// not the principal (0 there means unassigned).
pub const OTHER_ASSIGNEE: Sym = u32::MAX;

/// Index of an authorization in the grant set.
type GrantRef = u32;

/// What the index knows of one interned string.
#[derive(Clone, Debug, Default)]
struct SymInfo {
    /// PROCESS_DEFINITION grants with this string as resource id, per `TaskPermission`.
    process: [Option<GrantRef>; 4],
    /// USER_TASK grants with this string as resource id (a task key), per `TaskPermission`.
    task_key: [Option<GrantRef>; 4],
    process_mask: u8,
    task_key_mask: u8,
    is_group: bool,
    is_tenant: bool,
}

/// Grants on a general resource (for `is_authorized`).
#[derive(Clone, Debug, Default)]
struct ResourceGrants {
    wildcard: Option<GrantRef>,
    ids: SortedMap<String, GrantRef>,
}

/// A verified (or trusted) grant set, compiled for decisions.
#[derive(Clone, Debug)]
pub struct Authorizer {
    payload: GrantSetPayload,
    /// The release whose types count (`camundaVersion`).
    version: CamundaVersion,
    principal_type: PrincipalType,
    symbols: SortedMap<String, Sym>,
    /// Indexed by `Sym`; entry 0 is the "nothing" symbol.
    names: Vec<String>,
    info: Vec<SymInfo>,
    /// The principal's username as a symbol; 0 for a CLIENT, whose id never matches the
    /// `assignee` or `candidateUsers` properties.
    user: Sym,
    /// The principal's id as a symbol, USER or CLIENT: the engine's claim check compares the
    /// assignee a claim asks for with the task's, whoever asks.
    me: Sym,
    process_wildcard: [Option<GrantRef>; 4],
    process_wildcard_mask: u8,
    /// USER_TASK grants reaching a task by `*` or by a property, indexed by `TaskScope`
    /// (the `Key` row stays empty: key grants live in `SymInfo`).
    task: [[Option<GrantRef>; 4]; 5],
    task_mask: [u8; 5],
    general: SortedMap<(ResourceType, PermissionType), ResourceGrants>,
}

/// A task as symbols: what the JavaScript glue sends across in bulk. Strings the grant set does
/// not name are 0, but for `assignee` (0 unassigned, [`OTHER_ASSIGNEE`] someone unnamed),
/// `state` (a code: [`TaskState::code_of`]) and `instance` ([`InstanceState::code_of`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskSyms<'a> {
    pub key: Sym,
    pub process: Sym,
    pub assignee: Sym,
    pub tenant: Sym,
    pub state: u32,
    /// The process instance's state: [`InstanceState::code_of`].
    pub instance: u32,
    pub candidate_users: &'a [Sym],
    pub candidate_groups: &'a [Sym],
}

/// [`TaskSyms`] with its own candidate lists.
#[derive(Clone, Debug, Default)]
pub struct OwnedTaskSyms {
    pub key: Sym,
    pub process: Sym,
    pub assignee: Sym,
    pub tenant: Sym,
    pub state: u32,
    pub instance: u32,
    pub candidate_users: Vec<Sym>,
    pub candidate_groups: Vec<Sym>,
}

impl OwnedTaskSyms {
    pub fn borrow(&self) -> TaskSyms<'_> {
        TaskSyms {
            key: self.key,
            process: self.process,
            assignee: self.assignee,
            tenant: self.tenant,
            state: self.state,
            instance: self.instance,
            candidate_users: &self.candidate_users,
            candidate_groups: &self.candidate_groups,
        }
    }
}

impl Authorizer {
    /// Compiles a verified grant set.
    pub fn new(grants: VerifiedGrants) -> Self {
        Self::compile(grants.into_payload())
    }

    /// Compiles a grant-set payload WITHOUT any signature check. For tests and for the server
    /// that issues grant sets; anything else verifies a token with [`crate::jws::verify`].
    pub fn from_unverified_payload(payload: GrantSetPayload) -> Result<Self> {
        payload.validate()?;
        Ok(Self::compile(payload))
    }

    fn compile(mut payload: GrantSetPayload) -> Self {
        let authorizations = std::mem::take(&mut payload.authorizations);
        let principal_type =
            PrincipalType::parse(&payload.principal.kind).unwrap_or(PrincipalType::User);
        let version = payload.version().unwrap_or(CamundaVersion::NONE);
        let mut this = Authorizer {
            version,
            principal_type,
            symbols: SortedMap::default(),
            names: vec![String::new()],
            info: vec![SymInfo::default()],
            user: 0,
            me: 0,
            process_wildcard: [None; 4],
            process_wildcard_mask: 0,
            task: [[None; 4]; 5],
            task_mask: [0; 5],
            general: SortedMap::default(),
            payload,
        };
        let principal = this.payload.principal.clone();
        this.me = this.intern(&principal.id);
        if principal_type == PrincipalType::User {
            this.user = this.me;
        }
        for group in &principal.groups {
            let sym = this.intern(group);
            if let Some(info) = this.info_mut(sym) {
                info.is_group = true;
            }
        }
        if this.payload.multi_tenancy_enabled {
            for tenant in &principal.tenants {
                let sym = this.intern(tenant);
                if let Some(info) = this.info_mut(sym) {
                    info.is_tenant = true;
                }
            }
        }
        for (index, authorization) in authorizations.iter().enumerate() {
            let grant = GrantRef::try_from(index).unwrap_or(GrantRef::MAX);
            if this.owns(authorization) {
                this.add(grant, authorization);
            }
        }
        this.payload.authorizations = authorizations;
        this
    }

    /// The grant set this authorizer decides by.
    pub fn payload(&self) -> &GrantSetPayload {
        &self.payload
    }

    /// The interned strings; symbol `i + 1` is `vocabulary()[i]`. The JavaScript glue maps task
    /// strings through this once per authorizer.
    pub fn vocabulary(&self) -> &[String] {
        self.names.get(1..).unwrap_or(&[])
    }

    /// The symbol of a string, 0 when no grant or principal field names it.
    pub fn sym(&self, text: &str) -> Sym {
        self.symbols.get(text).copied().unwrap_or(0)
    }

    /// The symbol of an assignee: 0 for none or an empty one, [`OTHER_ASSIGNEE`] for one that
    /// no grant or principal field names.
    pub fn assignee_sym(&self, assignee: Option<&str>) -> Sym {
        match assignee {
            None | Some("") => 0,
            Some(text) => self.symbols.get(text).copied().unwrap_or(OTHER_ASSIGNEE),
        }
    }

    /// The principal's username as a symbol (0 for a CLIENT).
    pub fn user_sym(&self) -> Sym {
        self.user
    }

    /// The Camunda release whose resource and permission types count.
    pub fn version(&self) -> CamundaVersion {
        self.version
    }

    fn intern(&mut self, text: &str) -> Sym {
        if text.is_empty() {
            return 0;
        }
        if let Some(sym) = self.symbols.get(text) {
            return *sym;
        }
        let sym = Sym::try_from(self.names.len()).unwrap_or(0);
        if sym == 0 {
            return 0;
        }
        self.symbols.get_or_insert_with(text.to_owned(), || sym);
        self.names.push(text.to_owned());
        self.info.push(SymInfo::default());
        sym
    }

    fn info(&self, sym: Sym) -> &SymInfo {
        static NOTHING: SymInfo = SymInfo {
            process: [None; 4],
            task_key: [None; 4],
            process_mask: 0,
            task_key_mask: 0,
            is_group: false,
            is_tenant: false,
        };
        self.info.get(sym as usize).unwrap_or(&NOTHING)
    }

    /// The entry of an interned string; `None` for symbol 0, which never gains facts.
    fn info_mut(&mut self, sym: Sym) -> Option<&mut SymInfo> {
        if sym == 0 {
            return None;
        }
        self.info.get_mut(sym as usize)
    }

    /// Whether an authorization counts for the principal (owners).
    fn owns(&self, authorization: &Authorization) -> bool {
        let principal = &self.payload.principal;
        let id = authorization.owner_id.as_str();
        match OwnerType::parse(&authorization.owner_type) {
            Some(OwnerType::User) => {
                self.principal_type == PrincipalType::User && principal.id == id
            }
            Some(OwnerType::Client) => {
                self.principal_type == PrincipalType::Client && principal.id == id
            }
            Some(OwnerType::Group) => principal.groups.iter().any(|g| g == id),
            Some(OwnerType::Role) => principal.roles.iter().any(|r| r == id),
            Some(OwnerType::MappingRule) => principal.mapping_rules.iter().any(|m| m == id),
            None => false,
        }
    }

    /// Indexes one of the principal's authorizations. Types the release does not have and
    /// permissions that do not belong to the resource type are skipped: they never grant.
    fn add(&mut self, grant: GrantRef, authorization: &Authorization) {
        let version = self.version;
        let Some(resource) = version.resource(&authorization.resource_type) else {
            return;
        };
        let Some(scope) = authorization.scope() else {
            return;
        };
        for permission in authorization
            .permission_types
            .iter()
            .filter_map(|p| version.permission(p))
        {
            if !resource.supports(permission) {
                continue;
            }
            match scope {
                Scope::Wildcard => {
                    if let Some(entry) = self
                        .general
                        .get_or_insert_with((resource, permission), ResourceGrants::default)
                    {
                        entry.wildcard.get_or_insert(grant);
                    }
                }
                Scope::Id(id) => {
                    if let Some(entry) = self
                        .general
                        .get_or_insert_with((resource, permission), ResourceGrants::default)
                    {
                        entry.ids.get_or_insert_with(id.to_owned(), || grant);
                    }
                }
                Scope::Property(_) => {}
            }
            let Some(task_permission) = TaskPermission::from_grant(resource, permission) else {
                continue;
            };
            let slot = task_permission as usize;
            let bit = task_permission.bit();
            match (resource, scope) {
                (ResourceType::ProcessDefinition, Scope::Wildcard) => {
                    first(&mut self.process_wildcard, slot, grant);
                    self.process_wildcard_mask |= bit;
                }
                (ResourceType::ProcessDefinition, Scope::Id(id)) => {
                    let sym = self.intern(id);
                    if let Some(info) = self.info_mut(sym) {
                        first(&mut info.process, slot, grant);
                        info.process_mask |= bit;
                    }
                }
                (ResourceType::UserTask, Scope::Id(id)) => {
                    let sym = self.intern(id);
                    if let Some(info) = self.info_mut(sym) {
                        first(&mut info.task_key, slot, grant);
                        info.task_key_mask |= bit;
                    }
                }
                (ResourceType::UserTask, Scope::Wildcard) => {
                    self.add_task(TaskScope::Wildcard, slot, bit, grant)
                }
                (ResourceType::UserTask, Scope::Property(name)) => {
                    match TaskProperty::parse(name) {
                        Some(TaskProperty::Assignee) => {
                            self.add_task(TaskScope::Assignee, slot, bit, grant)
                        }
                        Some(TaskProperty::CandidateUsers) => {
                            self.add_task(TaskScope::CandidateUsers, slot, bit, grant)
                        }
                        Some(TaskProperty::CandidateGroups) => {
                            self.add_task(TaskScope::CandidateGroups, slot, bit, grant)
                        }
                        None => {}
                    }
                }
                _ => {}
            }
        }
    }

    fn add_task(&mut self, scope: TaskScope, slot: usize, bit: u8, grant: GrantRef) {
        let index = scope as usize;
        if let Some(row) = self.task.get_mut(index) {
            first(row, slot, grant);
        }
        if let Some(mask) = self.task_mask.get_mut(index) {
            *mask |= bit;
        }
    }

    /// Which grants reach a task given as symbols.
    pub fn reach(&self, task: &TaskSyms<'_>) -> Reach {
        let tenant_ok = !self.payload.multi_tenancy_enabled
            || (task.tenant != 0 && self.info(task.tenant).is_tenant);
        let own = self.user != 0 && task.assignee == self.user;
        // A claim for oneself of a task already assigned to one's own id is no conflict, for a
        // CLIENT too (UserTaskClaimProcessor.checkClaim compares the requested assignee).
        let mine = self.me != 0 && task.assignee == self.me;
        let mut reach = Reach {
            tenant_ok,
            lifecycle: Lifecycle::new(task.state, task.instance, task.assignee != 0 && !mine),
            own,
            process_exact: self.info(task.process).process_mask,
            process_wildcard: self.process_wildcard_mask,
            task: [0; 5],
        };
        let [key, wildcard, assignee, candidate_users, candidate_groups] = &mut reach.task;
        let [_, wildcard_mask, assignee_mask, candidate_users_mask, candidate_groups_mask] =
            self.task_mask;
        *key = self.info(task.key).task_key_mask;
        *wildcard = wildcard_mask;
        if own {
            *assignee = assignee_mask;
        }
        if candidate_users_mask != 0 && self.user != 0 && task.candidate_users.contains(&self.user)
        {
            *candidate_users = candidate_users_mask;
        }
        if candidate_groups_mask != 0
            && task
                .candidate_groups
                .iter()
                .any(|g| *g != 0 && self.info(*g).is_group)
        {
            *candidate_groups = candidate_groups_mask;
        }
        reach
    }

    /// A task's strings as symbols (allocates the candidate lists).
    pub fn task_syms(&self, task: &Task<'_>) -> OwnedTaskSyms {
        let sym = |s: Option<&str>| s.map_or(0, |s| self.sym(s));
        OwnedTaskSyms {
            key: sym(task.user_task_key),
            process: sym(task.process_definition_id),
            assignee: self.assignee_sym(task.assignee),
            tenant: sym(task.tenant_id),
            state: TaskState::code_of(task.state),
            instance: InstanceState::code_of(task.process_instance_state),
            candidate_users: task.candidate_users.iter().map(|s| self.sym(s)).collect(),
            candidate_groups: task.candidate_groups.iter().map(|s| self.sym(s)).collect(),
        }
    }

    /// The task's fields an explanation reports in `params`.
    fn params_of(&self, task: &Task<'_>) -> Params {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let assignee = task.assignee.filter(|a| !a.is_empty());
        Params {
            user_task_key: owned(task.user_task_key),
            process_definition_id: owned(task.process_definition_id),
            assignee: owned(assignee),
            assigned_to_principal: assignee.map(|a| self.is_principal_user(a)),
            state: owned(task.state),
            process_instance_state: owned(task.process_instance_state),
            tenant_id: owned(task.tenant_id),
            resource_id: None,
        }
    }

    /// Whether `id` is the principal's username (a CLIENT has none).
    pub fn is_principal_user(&self, id: &str) -> bool {
        self.principal_type == PrincipalType::User && self.payload.principal.id == id
    }

    fn reach_task(&self, task: &Task<'_>) -> Reach {
        self.reach(&self.task_syms(task).borrow())
    }

    /// The eight operations as a mask (bit = `Operation as u8`) for a task given as symbols.
    pub fn actions_mask_syms(&self, task: &TaskSyms<'_>) -> u8 {
        self.reach(task)
            .actions_mask(self.payload.authorizations_enabled)
    }

    /// The eight operations as a mask for a task.
    pub fn actions_mask(&self, task: &Task<'_>) -> u8 {
        self.reach_task(task)
            .actions_mask(self.payload.authorizations_enabled)
    }

    /// May the principal perform `op` on `task`.
    pub fn can(&self, op: Operation, task: &Task<'_>) -> bool {
        self.actions_mask(task) & op.bit() != 0
    }

    /// May the principal perform `op` on a task given as JSON; errors on a malformed task.
    pub fn can_json(&self, op: Operation, task: &Value<'_>) -> Result<bool> {
        Ok(self.can(op, &Task::from_json(task)?))
    }

    /// The tasks of `tasks` on which `op` is allowed, in order. Errors on the first malformed task.
    pub fn filter<'v, 't>(
        &self,
        op: Operation,
        tasks: &'v [Value<'t>],
    ) -> Result<Vec<&'v Value<'t>>> {
        let mut allowed = Vec::new();
        for task in tasks {
            if self.can(op, &Task::from_json(task)?) {
                allowed.push(task);
            }
        }
        Ok(allowed)
    }

    /// The decision on `op` for `task`, with the grant that allowed it or why nothing did.
    pub fn explain(&self, op: Operation, task: &Task<'_>) -> Decision<'_> {
        let reach = self.reach_task(task);
        let mut decision = Decision {
            allowed: false,
            operation: Some(op),
            code: ReasonCode::NoGrant,
            reason: String::new(),
            grant: None,
            matched_by: None,
            resource_type: None,
            permission_type: None,
            button: None,
            refused_by: None,
            params: self.params_of(task),
        };
        // Step 0, writes only: a task the engine no longer holds, or whose instance is halted.
        if let Some(gate) = reach.lifecycle.early_refusal(op) {
            (decision.code, decision.reason) = lifecycle_refusal(gate, op, task);
            return decision;
        }
        if !reach.tenant_ok {
            decision.code = ReasonCode::TenantNotAssigned;
            decision.reason = match task.tenant_id.filter(|t| !t.is_empty()) {
                Some(tenant) => format!("multi-tenancy is enabled and the task's tenant `{tenant}` is not one of the principal's tenants"),
                None => "multi-tenancy is enabled and the task has no tenantId".to_owned(),
            };
            return decision;
        }
        // Step 2, authorization: the first alternative that holds (none needed when disabled).
        let hit = if self.payload.authorizations_enabled {
            let Some(hit) = reach.first_hit(op) else {
                decision.reason = self.denial(op, task);
                return decision;
            };
            Some(hit)
        } else {
            None
        };
        // Steps 3 and 4, the lifecycle.
        if let Some(gate) = reach.lifecycle.refusal(op) {
            (decision.code, decision.reason) = lifecycle_refusal(gate, op, task);
            return decision;
        }
        let Some(hit) = hit else {
            decision.allow_because_disabled();
            return decision;
        };
        let grant_ref = self.grant_of(&hit, task);
        let grant = grant_ref.and_then(|g| self.payload.authorizations.get(g as usize));
        let (resource, permission, matched_by) = match hit.route {
            Route::ProcessExact => (
                ResourceType::ProcessDefinition,
                hit.permission.on_process(),
                MatchedBy::ProcessDefinitionId,
            ),
            Route::ProcessWildcard => (
                ResourceType::ProcessDefinition,
                hit.permission.on_process(),
                MatchedBy::Wildcard,
            ),
            Route::Task(scope) => (
                ResourceType::UserTask,
                hit.permission.on_task(),
                scope.matched_by(),
            ),
        };
        decision.allowed = true;
        decision.code = ReasonCode::Granted;
        decision.grant = grant;
        decision.matched_by = Some(matched_by);
        decision.resource_type = Some(resource);
        decision.permission_type = Some(permission);
        decision.reason = self.grant_reason(resource, permission, matched_by, grant, task, &hit);
        decision
    }

    /// The authorization behind a hit.
    fn grant_of(&self, hit: &Hit, task: &Task<'_>) -> Option<GrantRef> {
        let slot = hit.permission as usize;
        let sym = |s: Option<&str>| s.map_or(0, |s| self.sym(s));
        match hit.route {
            Route::ProcessExact => self
                .info(sym(task.process_definition_id))
                .process
                .get(slot)
                .copied()
                .flatten(),
            Route::ProcessWildcard => self.process_wildcard.get(slot).copied().flatten(),
            Route::Task(TaskScope::Key) => self
                .info(sym(task.user_task_key))
                .task_key
                .get(slot)
                .copied()
                .flatten(),
            Route::Task(scope) => self
                .task
                .get(scope as usize)
                .and_then(|row| row.get(slot))
                .copied()
                .flatten(),
        }
    }

    fn grant_reason(
        &self,
        resource: ResourceType,
        permission: PermissionType,
        matched_by: MatchedBy,
        grant: Option<&Authorization>,
        task: &Task<'_>,
        hit: &Hit,
    ) -> String {
        let owner = owner_phrase(grant);
        let on = match matched_by {
            MatchedBy::ProcessDefinitionId | MatchedBy::ResourceId => format!(
                " on process `{}`",
                task.process_definition_id.unwrap_or_default()
            ),
            MatchedBy::UserTaskKey => {
                format!(" on task `{}`", task.user_task_key.unwrap_or_default())
            }
            MatchedBy::Wildcard => " on `*`".to_owned(),
            MatchedBy::Assignee => format!(
                " by `assignee`: the task is assigned to `{}`",
                self.payload.principal.id
            ),
            MatchedBy::CandidateUsers => format!(
                " by `candidateUsers`: `{}` is a candidate user",
                self.payload.principal.id
            ),
            MatchedBy::CandidateGroups => {
                let group = task
                    .candidate_groups
                    .iter()
                    .find(|g| self.info(self.sym(g)).is_group)
                    .copied()
                    .unwrap_or_default();
                format!(
                    " by `candidateGroups`: the principal's group `{group}` is a candidate group"
                )
            }
        };
        let own = match hit.alternative {
            Alternative::OwnProcess(_) | Alternative::OwnTask(..) => {
                ", and the task is assigned to the principal, who may unassign themselves"
            }
            _ => "",
        };
        format!(
            "{} grants {}{owner}{on}{own}",
            resource.as_str(),
            permission.as_str()
        )
    }

    /// Says what would have allowed `op`.
    fn denial(&self, op: Operation, task: &Task<'_>) -> String {
        let process = task
            .process_definition_id
            .filter(|s| !s.is_empty())
            .map_or_else(|| "`*`".to_owned(), |p| format!("`{p}` or `*`"));
        let key = task
            .user_task_key
            .filter(|s| !s.is_empty())
            .map_or_else(|| "`*`".to_owned(), |k| format!("`{k}` or `*`"));
        let mut options = Vec::new();
        for alternative in op.alternatives() {
            options.push(match *alternative {
                Alternative::Process(p) => format!("{} on PROCESS_DEFINITION {process}", p.on_process().as_str()),
                Alternative::OwnProcess(p) => format!("{} on PROCESS_DEFINITION {process} while the task is assigned to the principal", p.on_process().as_str()),
                Alternative::Task(p, _) => format!("{} on USER_TASK {key} or by its assignee, candidateUsers or candidateGroups", p.on_task().as_str()),
                Alternative::OwnTask(p, _) => format!("{} on USER_TASK {key} or by its assignee while the task is assigned to the principal", p.on_task().as_str()),
            });
        }
        format!(
            "no authorization of the principal grants {}",
            options.join("; nor ")
        )
    }

    /// `isAuthorized(resourceType, permissionType, resourceId)` for any resource type: a grant on
    /// `resourceId` or `*`. Property grants need a task and never match here.
    pub fn is_authorized(
        &self,
        resource_type: &str,
        permission_type: &str,
        resource_id: &str,
    ) -> Decision<'_> {
        let mut decision = Decision {
            allowed: false,
            operation: None,
            code: ReasonCode::NoGrant,
            reason: String::new(),
            grant: None,
            matched_by: None,
            resource_type: self.version.resource(resource_type),
            permission_type: self.version.permission(permission_type),
            button: None,
            refused_by: None,
            params: Params {
                resource_id: Some(resource_id.to_owned()),
                ..Params::default()
            },
        };
        if !self.payload.authorizations_enabled {
            decision.allow_because_disabled();
            return decision;
        }
        let (Some(resource), Some(permission)) = (decision.resource_type, decision.permission_type)
        else {
            decision.reason = format!("`{resource_type}` with `{permission_type}` is not a Camunda {} resource and permission type, so nothing grants it", self.version.rules());
            return decision;
        };
        let entry = self.general.get(&(resource, permission));
        let found = entry.and_then(|e| {
            e.ids
                .get(resource_id)
                .map(|g| (*g, MatchedBy::ResourceId))
                .or(e.wildcard.map(|g| (g, MatchedBy::Wildcard)))
        });
        match found {
            Some((grant, by)) => {
                let grant = self.payload.authorizations.get(grant as usize);
                decision.allowed = true;
                decision.code = ReasonCode::Granted;
                decision.grant = grant;
                decision.matched_by = Some(by);
                let owner = owner_phrase(grant);
                let on = if by == MatchedBy::Wildcard {
                    "*"
                } else {
                    resource_id
                };
                decision.reason = format!(
                    "{} `{on}` grants {}{owner}",
                    resource.as_str(),
                    permission.as_str()
                );
            }
            None => {
                decision.reason = format!(
                    "no authorization of the principal grants {} on {} `{resource_id}` or `*`",
                    permission.as_str(),
                    resource.as_str()
                );
            }
        }
        decision
    }
}

fn first(slots: &mut [Option<GrantRef>; 4], slot: usize, grant: GrantRef) {
    if let Some(existing) = slots.get_mut(slot) {
        existing.get_or_insert(grant);
    }
}

/// The code and reason of a lifecycle gate that refuses `op`.
fn lifecycle_refusal(gate: Gate, op: Operation, task: &Task<'_>) -> (ReasonCode, String) {
    let op = op.as_str();
    match gate {
        Gate::Exists => (
            ReasonCode::TaskNotActive,
            format!(
                "the task is in state `{}`: the engine no longer holds it, so {op} is refused whatever the grants",
                task.state.unwrap_or_default()
            ),
        ),
        Gate::InstanceActive => {
            let state = task.process_instance_state.unwrap_or_default();
            let reason = if InstanceState::parse(state).is_some() {
                format!("the task's process instance is `{state}`, and {op} needs an active process instance")
            } else {
                format!("the task's processInstanceState `{state}` is not a Camunda process-instance state, and {op} needs an active process instance")
            };
            (ReasonCode::TaskNotActive, reason)
        }
        Gate::Created => {
            let state = task.state.unwrap_or_default();
            let reason = if TaskState::parse(state).is_some() {
                format!("the task is in state `{state}`, and {op} needs a task in state `CREATED`")
            } else {
                format!("the task's state `{state}` is not a Camunda user-task state, and {op} needs a task in state `CREATED`")
            };
            (ReasonCode::TaskNotActive, reason)
        }
        Gate::NotAssignedToOther => (
            ReasonCode::AssignedToOther,
            format!(
                "the task is already assigned to `{}`, who is not the principal: {op} needs a task that is unassigned or assigned to the principal (assign overrides the assignee)",
                task.assignee.unwrap_or_default()
            ),
        ),
    }
}

/// ` to ROLE `task-worker``: who a grant is given to, for a reason text (empty without one).
fn owner_phrase(grant: Option<&Authorization>) -> String {
    grant.map_or_else(String::new, |g| {
        format!(" to {} `{}`", g.owner_type, g.owner_id)
    })
}

/// The record format the JavaScript glue writes for each task, all `u32`:
/// `[key, process, assignee, tenant, state, instance, candidateUsers.len, candidateGroups.len,
/// ...candidateUsers, ...candidateGroups]`, strings as symbols of [`Authorizer::vocabulary`]
/// (0 for any other), but for the assignee (0 absent, null or empty, [`OTHER_ASSIGNEE`] for one
/// not in the vocabulary), the state (0 absent or null, else the code of [`TaskState::code_of`])
/// and the process instance's state (likewise, [`InstanceState::code_of`]; the wrapper reads the
/// names and codes of both from the wasm module).
pub const RECORD_HEADER: usize = 8;

impl Authorizer {
    /// Appends the record of `task` to `records`, as the JavaScript glue writes it (here every
    /// candidate keeps its place, 0 when the grant set does not name it): the encoder that
    /// [`Authorizer::masks_from_records`] decodes, for native callers and tests.
    pub fn push_record(&self, task: &Task<'_>, records: &mut Vec<u32>) {
        let syms = self.task_syms(task);
        records.extend([
            syms.key,
            syms.process,
            syms.assignee,
            syms.tenant,
            syms.state,
            syms.instance,
        ]);
        records.extend([
            syms.candidate_users.len() as u32,
            syms.candidate_groups.len() as u32,
        ]);
        records.extend(syms.candidate_users);
        records.extend(syms.candidate_groups);
    }

    /// Decodes `records` (see [`RECORD_HEADER`]) and appends one actions mask per task to `out`.
    /// Fails closed: a truncated record is an error, not a guess.
    pub fn masks_from_records(&self, records: &[u32], out: &mut Vec<u8>) -> Result<()> {
        decode_records(records, |task| out.push(self.actions_mask_syms(task)))
    }

    /// As [`Authorizer::masks_from_records`], one buttons mask per task ([`crate::buttons`]).
    pub fn buttons_from_records(&self, records: &[u32], out: &mut Vec<u8>) -> Result<()> {
        decode_records(records, |task| out.push(self.buttons_mask_syms(task)))
    }
}

/// Calls `each` with every record of `records` (see [`RECORD_HEADER`]); a truncated record is an
/// error.
fn decode_records(mut records: &[u32], mut each: impl FnMut(&TaskSyms<'_>)) -> Result<()> {
    while !records.is_empty() {
        let Some((header, rest)) = records.split_first_chunk::<RECORD_HEADER>() else {
            return err(ErrorCode::TaskInvalid, "truncated task record");
        };
        let [key, process, assignee, tenant, state, instance, users, groups] = *header;
        let Some((candidate_users, rest)) = rest.split_at_checked(users as usize) else {
            return err(ErrorCode::TaskInvalid, "truncated task record");
        };
        let Some((candidate_groups, rest)) = rest.split_at_checked(groups as usize) else {
            return err(ErrorCode::TaskInvalid, "truncated task record");
        };
        each(&TaskSyms {
            key,
            process,
            assignee,
            tenant,
            state,
            instance,
            candidate_users,
            candidate_groups,
        });
        records = rest;
    }
    Ok(())
}
