//! Tasklist's buttons for a compiled grant set: [`Authorizer::buttons_mask`] and
//! [`Authorizer::explain_button`], the rules of [`crate::buttons`] over the decisions of
//! [`Authorizer`].

use crate::authorizer::{Authorizer, TaskSyms};
use crate::buttons::{buttons_mask, Button, RefusedBy};
use crate::decision::Decision;
use crate::rules::ReasonCode;
use crate::task::Task;

impl Authorizer {
    /// The buttons mask (bit = [`Button`]) of a task given as symbols.
    pub fn buttons_mask_syms(&self, task: &TaskSyms<'_>) -> u8 {
        let actions = self.actions_mask_syms(task);
        let own = self.user_sym() != 0 && task.assignee == self.user_sym();
        buttons_mask(actions, task.assignee != 0, own)
    }

    /// The buttons mask of a task.
    pub fn buttons_mask(&self, task: &Task<'_>) -> u8 {
        self.buttons_mask_syms(&self.task_syms(task).borrow())
    }

    /// The decision on Tasklist's `button` for `task`: its screen rule first (what Tasklist
    /// shows the principal), then the cluster's decision on its operation, with `refused_by`
    /// naming which of the two refused.
    pub fn explain_button(&self, button: Button, task: &Task<'_>) -> Decision<'_> {
        let assignee = task.assignee.filter(|a| !a.is_empty());
        let own = assignee.is_some_and(|a| self.is_principal_user(a));
        let mut decision = self.explain(button.operation(), task);
        decision.button = Some(button);
        if !button.screen_allows(assignee.is_some(), own) {
            let (code, reason) = match button {
                Button::AssignToMe => (
                    ReasonCode::AlreadyAssigned,
                    format!(
                        "Tasklist shows \"Assign to me\" only for a task without an assignee, and this one is assigned to `{}`",
                        assignee.unwrap_or_default()
                    ),
                ),
                Button::Unassign => (
                    ReasonCode::NotAssigned,
                    "Tasklist shows \"Unassign\" only for a task with an assignee, and this one has none".to_owned(),
                ),
                Button::Complete => (
                    ReasonCode::NotAssignee,
                    match assignee {
                        Some(a) => format!("Tasklist enables \"Complete\" only for the task's assignee, and it is assigned to `{a}`, not the principal"),
                        None => "Tasklist enables \"Complete\" only for the task's assignee, and it has none".to_owned(),
                    },
                ),
            };
            decision.allowed = false;
            decision.code = code;
            decision.reason = reason;
            decision.refused_by = Some(RefusedBy::Screen);
            decision.grant = None;
            decision.matched_by = None;
            decision.resource_type = None;
            decision.permission_type = None;
        } else if !decision.allowed {
            decision.refused_by = Some(RefusedBy::Permission);
        }
        decision
    }
}
