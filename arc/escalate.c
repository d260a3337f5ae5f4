/*
 * escalate.c -- the escalation ladders of arcd (core/ladder.c decides):
 * an operator handling an alarm sends a responder; the ladder is built
 * from the client's response plan (its responders by rank, then, for
 * response levels L2 and L4, the mobile team: the responders of the client
 * named by mobile_team), and what the core decides is applied here:
 * every step goes to the audit trail with its time, pages and withdrawals
 * to the pager (a hook: pager.c over MQTT), every change to the consoles
 * (a hook), alerts to the operator's console, and an exhausted ladder puts
 * the alarm back in the queue as a P1 "no responder" (alarmio).
 *
 * Every change is also written as the ladder's row (ladderio.c), so a
 * restart resumes the ladders of open alarms.
 *
 * Thread: the network thread.
 */
#include <stdio.h>
#include <string.h>

#include "arc.h"

static const struct config	*esc_cfg;
static struct escalate_hooks	 esc_hooks;

void
escalate_init(const struct config *cfg, const struct escalate_hooks *hooks)
{
	esc_cfg = cfg;
	esc_hooks = *hooks;
	ladder_init(clock_wall());	/* page ids: new across restarts */
}

static void
escalate_subject(int64_t alarm_id, char *buf, size_t size)
{
	snprintf(buf, size, "alarm %lld", (long long)alarm_id);
}

/* One step (or the ladder) on the audit trail, with its times. */
static void
escalate_audit(const struct ladder *l, const struct ladder_ev *e,
    const char *actor)
{
	const struct ladder_step	*s = NULL;
	char				 subj[32], detail[256];
	const char			*what;

	escalate_subject(l->alarm_id, subj, sizeof subj);
	if (e->step < l->n)
		s = &l->steps[e->step];
	switch (e->kind) {
	case LEV_DECIDED:
		what = "ladder start";
		snprintf(detail, sizeof detail, "%zu steps; decided by %s",
		    l->n, l->operator);
		break;
	case LEV_PAGE:
		what = "ladder page";
		snprintf(detail, sizeof detail, "step %zu: %s (responder "
		    "%lld%s), page %lld, accept within %lld s", e->step + 1,
		    s->name, (long long)s->responder_id, s->mobile ?
		    ", mobile team" : "", (long long)s->page_id,
		    (long long)s->accept_ms / 1000);
		break;
	case LEV_STEP:
	case LEV_WITHDRAW:
		what = "ladder step";
		snprintf(detail, sizeof detail, "step %zu: %s %s; ladder %s",
		    e->step + 1, s->name, ladder_step_name(s->state),
		    ladder_state_name(l->state));
		break;
	case LEV_EXHAUSTED:
		what = "ladder exhausted";
		snprintf(detail, sizeof detail, "every one of %zu steps "
		    "failed: back to the queue as a P1", l->n);
		break;
	case LEV_ENDED:
		what = "ladder end";
		snprintf(detail, sizeof detail, "%s",
		    ladder_state_name(l->state));
		break;
	case LEV_LATE_ARRIVAL:
		what = "ladder late";
		snprintf(detail, sizeof detail, "nobody on site %d min after "
		    "the decision", LADDER_ARRIVAL_MS / 60000);
		break;
	default:
		what = "ladder late";
		snprintf(detail, sizeof detail, "no entry %d min after "
		    "arrival", LADDER_ENTRY_MS / 60000);
		break;
	}
	commit_audit(actor, what, subj, detail);
}

/* What the core decided, done: audit, pages, alerts, the queue. */
static void
escalate_apply(struct ladder_evs *evs, const char *actor)
{
	const struct ladder	*l;
	const struct ladder_ev	*e;
	size_t			 i;
	int64_t			 last = 0;

	for (i = 0; i < evs->n; i++) {
		e = &evs->v[i];
		if ((l = ladder_get(e->alarm_id)) == NULL)
			continue;
		escalate_audit(l, e, actor);
		if (e->kind == LEV_PAGE && esc_hooks.page != NULL)
			esc_hooks.page(l, e->step);
		else if (e->kind == LEV_WITHDRAW && esc_hooks.withdraw != NULL)
			esc_hooks.withdraw(l, e->step);
		else if (e->kind == LEV_EXHAUSTED) {
			if (esc_hooks.alert != NULL)
				esc_hooks.alert(l, "no responder: every step "
				    "failed; the alarm is back in the queue");
			alarmio_no_responder(l->alarm_id);
		} else if (e->kind == LEV_LATE_ARRIVAL &&
		    esc_hooks.alert != NULL)
			esc_hooks.alert(l, "overdue: nobody on site 45 min "
			    "after the decision");
		else if (e->kind == LEV_LATE_ENTRY && esc_hooks.alert != NULL)
			esc_hooks.alert(l, "overdue: no entry 5 min after "
			    "arrival");
		if (e->alarm_id != last) {	/* the core's state: final */
			ladderio_save(l);
			if (esc_hooks.changed != NULL)
				esc_hooks.changed(l);
		}
		last = e->alarm_id;
	}
	evs->n = 0;
}

static int
escalate_planned(const struct ladder_step *v, size_t n, int64_t id)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].responder_id == id)
			return (1);
	return (0);
}

/* The response plan: the client's responders, then the mobile team. */
static size_t
escalate_plan(const struct alarm *a, struct ladder_step *v, size_t max)
{
	const struct unit	*u = unit_by_id(a->unit_id);
	const struct card	*c, *team = NULL;
	const struct card	*from[2];
	size_t			 n = 0, i, k;

	if (u == NULL || (c = card_of(u->client)) == NULL)
		return (0);
	if ((strcmp(c->level, "L2") == 0 || strcmp(c->level, "L4") == 0) &&
	    esc_cfg->mobile_team[0] != '\0')
		team = card_of(esc_cfg->mobile_team);
	from[0] = c;
	from[1] = team;
	for (k = 0; k < 2; k++) {
		for (i = 0; from[k] != NULL && i < from[k]->nresp; i++) {
			if (escalate_planned(v, n, from[k]->resp[i].id))
				continue;	/* a keyholder on the team too */
			if (n == max) {
				COUNT(C_LADDER_STEPS_CUT);	/* not paged */
				continue;
			}
			memset(&v[n], 0, sizeof v[n]);
			v[n].responder_id = from[k]->resp[i].id;
			strlcpy(v[n].name, from[k]->resp[i].name,
			    sizeof v[n].name);
			strlcpy(v[n].phones, from[k]->resp[i].phones,
			    sizeof v[n].phones);
			v[n].mobile = k == 1;
			v[n].command = from[k]->resp[i].command;
			v[n++].accept_ms = esc_cfg->responder_accept * 1000LL;
		}
	}
	return (n);
}

int
escalate_start(int64_t alarm_id, const char *op, const char **why)
{
	struct ladder_step	 v[LADDER_STEPS];
	struct ladder_evs	 evs = { .n = 0 };
	const struct alarm	*a = alarmio_shown(alarm_id);
	size_t			 n;

	if (a == NULL) {
		*why = "not_found";
		return (-1);
	}
	if (a->state != ALARM_HANDLING || strcmp(a->operator, op) != 0) {
		*why = "not_yours";	/* the operator handling it decides */
		return (-1);
	}
	n = escalate_plan(a, v, LADDER_STEPS);
	if (ladder_start(alarm_id, op, v, n, clock_wall(), clock_mono(), &evs,
	    why) != 0)
		return (-1);
	escalate_apply(&evs, op);
	return (0);
}

int
escalate_command(int64_t alarm_id, const char *op, const char *what,
    const char **why)
{
	struct ladder_evs	 evs = { .n = 0 };
	const struct ladder	*l = ladder_get(alarm_id);
	int			 rc;

	if (l == NULL) {
		*why = "not_found";
		return (-1);
	}
	if (strcmp(what, "skip") == 0)
		rc = ladder_skip(alarm_id, clock_wall(), clock_mono(), &evs,
		    why);
	else if (strcmp(what, "stop") == 0)
		rc = ladder_end(alarm_id, LADDER_STOPPED, clock_wall(), &evs,
		    why);
	else if (strcmp(what, "emergency") == 0)
		rc = ladder_end(alarm_id, LADDER_EMERGENCY, clock_wall(), &evs,
		    why);
	else {
		*why = "bad_request";
		return (-1);
	}
	if (rc == 0)
		escalate_apply(&evs, op);
	return (rc);
}

int
escalate_reply(int64_t page_id, int64_t responder_id, enum ladder_reply r,
    const char **why)
{
	struct ladder_evs	 evs = { .n = 0 };
	char			 actor[32];

	if (ladder_reply(page_id, responder_id, r, clock_wall(), clock_mono(),
	    &evs, why) != 0)
		return (-1);
	snprintf(actor, sizeof actor, "responder %lld",
	    (long long)responder_id);
	escalate_apply(&evs, actor);
	return (0);
}

void
escalate_tick(void)
{
	struct ladder_evs	 evs = { .n = 0 };

	ladder_due(clock_wall(), clock_mono(), &evs);
	escalate_apply(&evs, "arcd");
}

void
escalate_stop(void)
{
	ladder_free_all();
}
