//! Moving a work order: each move is checked against the state machine in
//! kefu-core (a forbidden move answers 409 and changes nothing) and against
//! who may make it, then written with its event in one transaction.

use kefu_core::org::{Role, Scope};
use kefu_core::sla::firing::Reach;
use kefu_core::text;
use kefu_core::tickets::rules::{self, Refused};
use kefu_core::tickets::told;
use kefu_core::tickets::{Illegal, Move, Ticket};
use kefu_store::org::{dealers, departments, users};
use kefu_store::{Conn, tickets};
use serde_json::{Value, json};

use crate::tell::{Notice, tell};
use crate::work::{After, Work};
use crate::{Actor, App, AppError, Result};

/// Callback attempts before an unreachable customer's order closes, when no
/// policy says otherwise.
pub const CALLBACK_ATTEMPTS: i64 = 3;

/// A move with what it carries.
#[derive(Debug, Clone)]
pub enum Action {
    Answer {
        note: Option<String>,
    },
    Dispatch {
        dealer_id: i64,
        note: Option<String>,
    },
    Escalate {
        department_id: i64,
        note: Option<String>,
    },
    Assign {
        user_id: i64,
        note: Option<String>,
    },
    Respond {
        note: Option<String>,
    },
    Wait {
        reason: String,
    },
    Resume {
        note: Option<String>,
    },
    Resolve {
        resolution: String,
    },
    Callback {
        reached: bool,
        satisfaction: Option<i64>,
        note: Option<String>,
    },
    Reopen {
        reason: String,
    },
    Note {
        body: String,
        internal: bool,
    },
}

pub async fn act(app: &App, who: &Actor, id: i64, action: Action) -> Result<super::TicketView> {
    let (writer, who) = (app.clone(), who.clone());
    app.writing(async move { act_now(&writer, &who, id, action).await })
        .await
}

async fn act_now(app: &App, who: &Actor, id: i64, action: Action) -> Result<super::TicketView> {
    let now = app.now();
    let mut tx = Work::begin(app).await?;
    let before = tickets::get(&mut tx, who.ticket_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut t = before.clone();
    let attempts = crate::sla::callback_attempts(&mut tx, &t).await?;
    let m = the_move(&action, &t, attempts);
    check_role(who, &t, m)?;
    let next = t.state().apply(m).map_err(conflict)?;
    let data = apply(&mut tx, who, &mut t, &action, attempts).await?;
    rules::enter(&mut t, next, now);
    if told::reopens(m) {
        t.assignee_id = owner_on_reopen(&mut tx, &t).await?;
    }
    crate::sla::on_move(&mut tx, &app.sla_settings, &mut t, m, now).await?;
    tickets::update(&mut tx, &t).await?;
    if let Some((kind, audience)) = told::told_of_move(m, &t) {
        let note = json!({ "number": t.number, "by": who.user_id, "note": data["note"] });
        let notice = Notice {
            kind,
            audience,
            ticket: Some(&t),
            data: &note,
            reach: Reach::InApp,
            except: Some(who.user_id),
        };
        tell(app, &mut tx, &notice, now).await?;
    }
    tickets::insert_event(&mut tx, id, m.name(), now, Some(who.user_id), data).await?;
    tx.audited(who, now, "ticket", id, m.name(), Some(&before), Some(&t))
        .await?;
    let view = super::view(&mut tx, t).await?;
    tx.after(After::WakeTimers);
    tx.commit(app).await?;
    Ok(view)
}

/// Who a reopened order goes back to: [`told::owner_on_reopen`] of the
/// person who last resolved it.
async fn owner_on_reopen(tx: &mut Conn, t: &Ticket) -> Result<Option<i64>> {
    let Some(resolver) = tickets::last_actor(tx, t.id, told::RESOLVING).await? else {
        return Ok(None);
    };
    let user = users::get(tx, Scope::Group, resolver).await?;
    Ok(told::owner_on_reopen(
        t,
        user.as_ref().map(|u| (u.id, &u.fields)),
    ))
}

/// The moves this caller may make on this order now: those the state
/// machine allows that their role permits (the buttons a page shows).
pub fn moves_for(who: &Actor, t: &Ticket) -> Vec<Move> {
    t.state()
        .allowed()
        .into_iter()
        .filter(|m| check_role(who, t, *m).is_ok())
        .collect()
}

fn the_move(a: &Action, t: &Ticket, attempts: i64) -> Move {
    match a {
        Action::Answer { .. } => Move::Answer,
        Action::Dispatch { .. } => Move::Dispatch,
        Action::Escalate { .. } => Move::Escalate,
        Action::Assign { .. } => Move::Assign,
        Action::Respond { .. } => Move::Respond,
        Action::Wait { .. } => Move::Wait,
        Action::Resume { .. } => Move::Resume,
        Action::Resolve { .. } => Move::Resolve,
        Action::Callback {
            reached,
            satisfaction,
            ..
        } => Move::Callback(rules::callback_outcome(
            *reached,
            *satisfaction,
            t.callback_attempts + 1,
            attempts,
        )),
        Action::Reopen { .. } => Move::Reopen,
        Action::Note { .. } => Move::Note,
    }
}

/// Who may make which move: [`rules::may_move`], in the caller's words.
fn check_role(who: &Actor, t: &Ticket, m: Move) -> Result<()> {
    rules::may_move(who.role, who.ticket_scope(), t, m).map_err(|r| match r {
        Refused::Lacks(_) => {
            AppError::forbidden(format!("the {} role may not do this", who.role.as_str()))
        }
        Refused::NotTheirs => {
            AppError::forbidden("this order is not with your dealer or department")
        }
    })
}

fn conflict(e: Illegal) -> AppError {
    AppError::Conflict {
        field: Some("status".into()),
        message: e.to_string(),
    }
}

fn note(raw: &Option<String>) -> Result<Option<String>> {
    Ok(text::optional_text("note", raw.as_deref(), 5_000)?)
}

/// Carry out what the move changes besides the state, and say it as the
/// event's data.
async fn apply(
    tx: &mut Conn,
    who: &Actor,
    t: &mut Ticket,
    a: &Action,
    attempts: i64,
) -> Result<Value> {
    Ok(match a {
        Action::Answer { note: n } | Action::Respond { note: n } | Action::Resume { note: n } => {
            json!({ "note": note(n)? })
        }
        Action::Dispatch { dealer_id, note: n } => {
            let dealer = dealers::get(tx, *dealer_id)
                .await?
                .filter(|d| d.fields.active)
                .ok_or_else(|| {
                    AppError::invalid(
                        "dealer_id",
                        "unknown_dealer",
                        format!("there is no active dealer {dealer_id}"),
                    )
                })?;
            t.dealer_id = Some(dealer.id);
            t.department_id = None;
            t.assignee_id = None;
            json!({ "dealer_id": dealer.id, "note": note(n)? })
        }
        Action::Escalate {
            department_id,
            note: n,
        } => {
            let dept = departments::get(tx, *department_id)
                .await?
                .filter(|d| d.fields.active)
                .ok_or_else(|| {
                    AppError::invalid(
                        "department_id",
                        "unknown_department",
                        format!("there is no active department {department_id}"),
                    )
                })?;
            t.department_id = Some(dept.id);
            t.assignee_id = None;
            json!({ "department_id": dept.id, "note": note(n)? })
        }
        Action::Assign { user_id, note: n } => {
            let user = users::get(tx, Scope::Group, *user_id)
                .await?
                .filter(|u| u.fields.active)
                .ok_or_else(|| {
                    AppError::invalid(
                        "user_id",
                        "unknown_user",
                        format!("there is no active user {user_id}"),
                    )
                })?;
            let fits = match who.role {
                Role::Liaison | Role::DeptHead => {
                    t.department_id.is_some() && user.fields.department_id == t.department_id
                }
                Role::DealerStaff => t.dealer_id.is_some() && user.fields.dealer_id == t.dealer_id,
                _ => true,
            };
            if !fits {
                return Err(AppError::invalid(
                    "user_id",
                    "not_a_member",
                    "assign within the department or dealer the order is with",
                ));
            }
            t.assignee_id = Some(user.id);
            json!({ "user_id": user.id, "note": note(n)? })
        }
        Action::Wait { reason } => json!({ "reason": text::text("reason", reason, 1_000)? }),
        Action::Resolve { resolution } => {
            let r = text::text("resolution", resolution, 5_000)?;
            t.resolution = Some(r.clone());
            json!({ "resolution": r })
        }
        Action::Callback {
            reached,
            satisfaction,
            note: n,
        } => {
            if *reached {
                let s = satisfaction.ok_or_else(|| {
                    AppError::invalid(
                        "satisfaction",
                        "required",
                        "a reached callback records satisfaction 1 to 5",
                    )
                })?;
                if !(1..=5).contains(&s) {
                    return Err(AppError::invalid(
                        "satisfaction",
                        "out_of_range",
                        "satisfaction is 1 to 5",
                    ));
                }
                t.satisfaction = Some(s);
            } else if satisfaction.is_some() {
                return Err(AppError::invalid(
                    "satisfaction",
                    "unexpected",
                    "an unreached customer gives no score",
                ));
            }
            t.callback_attempts += 1;
            if !reached && t.callback_attempts >= attempts {
                t.close_reason = Some("unreachable".into());
            }
            json!({ "reached": reached, "satisfaction": satisfaction, "attempt": t.callback_attempts, "note": note(n)? })
        }
        Action::Reopen { reason } => json!({ "reason": text::text("reason", reason, 1_000)? }),
        Action::Note { body, internal } => {
            json!({ "body": text::text("body", body, 10_000)?, "internal": internal })
        }
    })
}
