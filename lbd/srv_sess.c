/*
 * srv_sess.c - per-server, per-thread lists of connected sessions, and
 * their shutdown on request (see srv_sess.h).
 */
#include "log.h"
#include "proxy.h"
#include "session.h"
#include "srv_sess.h"
#include "worker.h"

void srv_sess_link(struct session *s, struct server *srv)
{
	struct session **head = &srv->conns[s->w->id];

	if (s->srv_linked)
		srv_sess_unlink(s);
	s->srv_linked = srv;
	s->prev_srv = NULL;
	s->next_srv = *head;
	if (*head)
		(*head)->prev_srv = s;
	*head = s;
}

void srv_sess_unlink(struct session *s)
{
	struct server *srv = s->srv_linked;

	if (!srv)
		return;
	if (s->prev_srv)
		s->prev_srv->next_srv = s->next_srv;
	else
		srv->conns[s->w->id] = s->next_srv;
	if (s->next_srv)
		s->next_srv->prev_srv = s->prev_srv;
	s->next_srv = s->prev_srv = NULL;
	s->srv_linked = NULL;
}

static void srv_sess_close_all(struct worker *w, struct server *srv, char cause)
{
	struct session *s, *n;

	/* closing unlinks s; its successor stays valid */
	for (s = srv->conns[w->id]; s; s = n) {
		n = s->next_srv;
		session_close(s, cause, s->state == SS_CONNECTING ? TERM_ST_CONN :
			      TERM_ST_DATA);
	}
}

static void srv_sess_down_cb(struct worker *w, void *arg)
{
	srv_sess_close_all(w, arg, TERM_DOWN);
}

static void srv_sess_up_cb(struct worker *w, void *arg)
{
	srv_sess_close_all(w, arg, TERM_UP);
}

static void srv_sess_kill_cb(struct worker *w, void *arg)
{
	srv_sess_close_all(w, arg, TERM_KILLED);
}

void srv_sess_shutdown(struct server *srv, char cause)
{
	for (unsigned i = 0; i < lbd.nworkers; i++)
		if (worker_call(&lbd.workers[i], cause == TERM_UP ? srv_sess_up_cb :
				cause == TERM_KILLED ? srv_sess_kill_cb :
				srv_sess_down_cb, srv) < 0)
			log_warnx("%s/%s: no memory to shut its sessions down on "
				  "thread %u", srv->be->id, srv->id, i + 1);
}
