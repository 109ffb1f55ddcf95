//! Tasklist's buttons: what Camunda's Tasklist shows a user on a task is the cluster's permission
//! for one operation **and** a screen rule of Tasklist's own. [`Authorizer::actions_mask`]
//! answers the first question (would the cluster accept the request); this module answers the
//! second, for the principal of the grant set as Tasklist's current user.
//!
//! | button        | request (operation)                                                   | Tasklist's screen rule                        |
//! |---------------|-----------------------------------------------------------------------|-----------------------------------------------|
//! | `assignToMe`  | `POST /v2/user-tasks/{key}/assignment`, `allowOverride: false` (claim) | the task has no assignee                      |
//! | `unassign`    | `DELETE /v2/user-tasks/{key}/assignee` (unassign)                      | the task has an assignee, whoever it is       |
//! | `complete`    | `POST /v2/user-tasks/{key}/completion` (complete)                      | the principal (a user) is the task's assignee |
//!
//! Read from camunda/camunda, `tasklist/client/src/`:
//! - "Assign to me" and "Unassign" are one toggle: `isAssigned = typeof assignee === 'string' &&
//!   taskState !== 'ASSIGNING'` picks the label and the request (the button is disabled while
//!   `ASSIGNING`), with no comparison to the current user, so a task someone
//!   else holds shows "Unassign" (`modules/TaskDetailsLayout/AssignButton/index.tsx` @60e0122d,
//!   the same in `v2/TaskDetailsLayout/AssignButton/index.tsx` @fcc4acdb and
//!   `v1/TaskDetailsLayout/AssignButton/index.tsx` @103f2c61). The header renders it for a task in
//!   state CREATED, CANCELED, FAILED or ASSIGNING (`modules/tasks/details/TaskDetailsHeader/index.tsx`
//!   @ed1cc495); only CREATED is one the cluster accepts a claim or an unassign in.
//! - "Assign to me" sends `{ assignee: currentUser.username, allowOverride: false }`, the
//!   engine's CLAIM (`modules/api/index.ts` @5a935349, camunda/camunda PR 52133, issue 51814).
//! - "Complete Task" is enabled only when `user.username === assignee && state === 'CREATED'`
//!   (`modules/TaskDetails/Variables/index.tsx` @60e0122d, `v2/TaskDetails/FormJS/index.tsx`
//!   @754e484e, `v1/TaskDetails/FormJS/index.tsx` @286ffdb3): disabled, not hidden, with the
//!   title "Task is not assigned" otherwise. The state is the cluster's lifecycle gate too.
//! - The current user is `GET /v2/authentication/me`'s `username`
//!   (`modules/api/useCurrentUser.query.tsx` @906d73ce); a CLIENT principal has none, so it is
//!   never the assignee.
//! - Tasklist itself reads no authorizations for these buttons: it shows them and reports a 403
//!   after the click (`modules/TaskDetailsLayout/AssignButton/index.tsx` @60e0122d). A button
//!   here is shown only when the cluster would also accept the request.

use crate::error::{err, ErrorCode, Result};
use crate::rules::Operation;

/// One of Tasklist's buttons on a task. The discriminant is the bit in a buttons mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Button {
    AssignToMe = 0,
    Unassign = 1,
    Complete = 2,
}

impl Button {
    pub const ALL: [Button; 3] = [Self::AssignToMe, Self::Unassign, Self::Complete];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AssignToMe => "assignToMe",
            Self::Unassign => "unassign",
            Self::Complete => "complete",
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        match Self::ALL.iter().find(|b| b.as_str() == name) {
            Some(button) => Ok(*button),
            None => err(
                ErrorCode::OperationUnknown,
                format!("unknown button `{name}`; expected one of assignToMe, unassign, complete"),
            ),
        }
    }

    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The request the button sends, as the operation the cluster decides.
    pub const fn operation(self) -> Operation {
        match self {
            Self::AssignToMe => Operation::Claim,
            Self::Unassign => Operation::Unassign,
            Self::Complete => Operation::Complete,
        }
    }

    /// Tasklist's screen rule, on the task's assignee as the principal sees it: whether the task
    /// has an assignee, and whether that is the principal (a user whose id it is).
    pub const fn screen_allows(self, assigned: bool, own: bool) -> bool {
        match self {
            Self::AssignToMe => !assigned,
            Self::Unassign => assigned,
            Self::Complete => own,
        }
    }
}

/// Which of the two questions of a button refused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusedBy {
    /// The cluster would refuse the request (the operation's decision says why).
    Permission,
    /// Tasklist's screen rule hides or disables the button.
    Screen,
}

impl RefusedBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Permission => "permission",
            Self::Screen => "screen",
        }
    }
}

/// The buttons mask of a task: each button whose screen rule and operation (in `actions`, an
/// actions mask) both allow it.
pub fn buttons_mask(actions: u8, assigned: bool, own: bool) -> u8 {
    Button::ALL
        .into_iter()
        .filter(|b| b.screen_allows(assigned, own) && actions & b.operation().bit() != 0)
        .fold(0, |mask, b| mask | b.bit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_button_needs_its_screen_rule_and_its_operation() {
        let all = 0xff;
        for (assigned, own, expected) in [
            (false, false, Button::AssignToMe.bit()),
            (true, false, Button::Unassign.bit()),
            (true, true, Button::Unassign.bit() | Button::Complete.bit()),
        ] {
            assert_eq!(
                buttons_mask(all, assigned, own),
                expected,
                "{assigned} {own}"
            );
        }
        assert_eq!(
            buttons_mask(0, true, true),
            0,
            "no operation allowed: no button"
        );
        assert_eq!(
            buttons_mask(Operation::Complete.bit(), true, true),
            Button::Complete.bit()
        );
        for button in Button::ALL {
            assert_eq!(Button::parse(button.as_str()).ok(), Some(button));
        }
        assert!(Button::parse("claim").is_err());
    }
}
