/*
 * agentx.c - the AgentX subagent glue: net-snmp's agent library driven by
 * libev. After each call into net-snmp we ask it which sockets it reads
 * and when its next alarm is due, and mirror that in ev_io watchers and
 * one ev_timer; their callbacks hand one socket (one read: one AgentX
 * PDU's worth of work) or the alarms back to net-snmp. net-snmp's own
 * SIGALRM timers are switched off, and it reads no configuration,
 * persistent or MIB files: everything it needs is set here. Tables are
 * answered by agentx_table.c.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <ev.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "agentx.h"
#include "log.h"

#define AGX_FDS		8	/* net-snmp opens one socket per master */
#define AGX_TABLES	16
#define AGX_PING_S	1	/* AgentX ping, and retry while no master */

/* the subagent's session with the master (net-snmp's agentx/subagent.c) */
extern netsnmp_session *main_session;

struct agx_fd {
	ev_io io;
	struct agx *a;
};

struct agx {
	struct ev_loop *loop;
	char name[32];
	ev_timer timer;
	struct agx_fd fds[AGX_FDS];
	struct agx_table tables[AGX_TABLES];
	size_t ntables;
	uint64_t dropped;
	int was_connected;
	void *session;		/* main_session the watchers were armed for */
	int reg_failed;		/* the master refused a registration */
};

static void agx_after_work(struct agx *a, int alarms);
static void agx_rearm(struct agx *a);

/* ---- values ---- */

/* Puts v into a varbind (net-snmp copies it). */
static void value_put(netsnmp_variable_list *vb, const struct agx_value *v)
{
	long l;
	u_long ul;
	struct counter64 c64;

	switch (v->type) {
	case AGX_INTEGER:
		l = (long)v->i;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	case AGX_UNSIGNED:
	case AGX_COUNTER32:
	case AGX_TIMETICKS:
		ul = (u_long)(v->u & 0xffffffffu);
		snmp_set_var_typed_value(vb, v->type == AGX_UNSIGNED ? ASN_GAUGE :
					 v->type == AGX_COUNTER32 ? ASN_COUNTER :
					 ASN_TIMETICKS, &ul, sizeof(ul));
		break;
	case AGX_COUNTER64:
		c64.high = (u_long)(v->u >> 32);
		c64.low = (u_long)(v->u & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
		break;
	case AGX_STRING:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->str, v->len);
		break;
	}
}

/* ---- tables ---- */

static void set_name(netsnmp_variable_list *vb, const uint32_t *name,
		     size_t len)
{
	oid o[AGX_OID_MAX];

	for (size_t i = 0; i < len && i < AGX_OID_MAX; i++)
		o[i] = name[i];
	snmp_set_var_objid(vb, o, len < AGX_OID_MAX ? len : AGX_OID_MAX);
}

/* the request's OID in our sub-identifiers (SNMP's are 32-bit; net-snmp
 * keeps them in longs) */
static size_t req_oid(const netsnmp_variable_list *vb, uint32_t *out)
{
	size_t n = vb->name_length < AGX_OID_MAX ? vb->name_length : AGX_OID_MAX;

	for (size_t i = 0; i < n; i++)
		out[i] = vb->name[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)vb->name[i];
	return n;
}

static void table_get(const struct agx_table *t, netsnmp_request_info *req,
		      netsnmp_agent_request_info *ri)
{
	uint32_t r[AGX_OID_MAX];
	size_t n = req_oid(req->requestvb, r);
	struct agx_value v;
	int rc = agx_table_get(t, r, n, &v);

	if (rc == AGX_NO_OBJECT)
		netsnmp_set_request_error(ri, req, SNMP_NOSUCHOBJECT);
	else if (rc == AGX_NO_INSTANCE)
		netsnmp_set_request_error(ri, req, SNMP_NOSUCHINSTANCE);
	else
		value_put(req->requestvb, &v);
}

static void table_getnext(const struct agx_table *t, netsnmp_request_info *req)
{
	uint32_t r[AGX_OID_MAX], name[AGX_OID_MAX];
	size_t n = req_oid(req->requestvb, r), len = 0;
	struct agx_value v;

	/* nothing after the request here: leave it for the next subtree */
	if (agx_table_next(t, r, n, name, &len, &v) != 0)
		return;
	set_name(req->requestvb, name, len);
	value_put(req->requestvb, &v);
}

/* net-snmp's one subagent; agx_new refuses a second */
static struct agx *agx_the;

/* The table a registration serves. net-snmp splits a range registration
 * into one per column and does not carry its private pointer over, so
 * the table is found again by the OID the piece starts at. */
static const struct agx_table *table_of(const netsnmp_handler_registration *reg)
{
	for (size_t i = 0; agx_the && i < agx_the->ntables; i++) {
		const struct agx_table *t = &agx_the->tables[i];
		size_t j;

		if (reg->rootoid_len <= t->entry_len)
			continue;
		for (j = 0; j < t->entry_len; j++)
			if (reg->rootoid[j] != t->entry[j])
				break;
		if (j == t->entry_len && reg->rootoid[j] >= t->col_min &&
		    reg->rootoid[j] <= t->col_max)
			return t;
	}
	return NULL;
}

static int agx_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
		       netsnmp_agent_request_info *ri,
		       netsnmp_request_info *requests)
{
	const struct agx_table *t = table_of(reg);

	if (!t)
		return SNMP_ERR_GENERR;

	for (netsnmp_request_info *r = requests; r; r = r->next) {
		if (r->processed)
			continue;
		switch (ri->mode) {
		case MODE_GET:
			table_get(t, r, ri);
			break;
		case MODE_GETNEXT:
			table_getnext(t, r);
			break;
		default:
			netsnmp_set_request_error(ri, r, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

/* One registration per column (entry.col): no two overlap, so neither
 * the master nor net-snmp has ranges to split, and each piece finds its
 * table again by its OID (table_of). */
static int register_column(const struct agx_table *t, unsigned col)
{
	netsnmp_handler_registration *reg;
	oid base[AGX_OID_MAX];

	for (size_t i = 0; i < t->entry_len; i++)
		base[i] = t->entry[i];
	base[t->entry_len] = col;
	reg = netsnmp_create_handler_registration(t->name, agx_handler, base,
						  t->entry_len + 1,
						  HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		return -1;
	return 0;
}

int agx_register(struct agx *a, const struct agx_table *t)
{
	if (a->ntables >= AGX_TABLES || t->entry_len + 2 > AGX_OID_MAX ||
	    t->col_min > t->col_max) {
		log_warnx("agentx: cannot register %s", t->name);
		return -1;
	}
	a->tables[a->ntables++] = *t;
	for (unsigned col = t->col_min; col <= t->col_max; col++)
		if (register_column(t, col) != 0) {
			log_warnx("agentx: cannot register %s", t->name);
			return -1;
		}
	agx_after_work(a, 0);
	return 0;
}

/* ---- notifications ---- */

static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

int agx_notify(struct agx *a, const uint32_t *trap, size_t trap_len,
	       const struct agx_varbind *vb, size_t n)
{
	netsnmp_variable_list *vars = NULL;
	oid name[AGX_OID_MAX];

	if (!agx_connected(a) || trap_len > AGX_OID_MAX) {
		a->dropped++;
		return -1;
	}
	for (size_t i = 0; i < trap_len; i++)
		name[i] = trap[i];
	snmp_varlist_add_variable(&vars, snmptrap_oid, OID_LENGTH(snmptrap_oid),
				  ASN_OBJECT_ID, name, trap_len * sizeof(oid));
	for (size_t i = 0; i < n; i++) {
		netsnmp_variable_list *v;
		size_t len = vb[i].name_len < AGX_OID_MAX ? vb[i].name_len
							   : AGX_OID_MAX;

		for (size_t j = 0; j < len; j++)
			name[j] = vb[i].name[j];
		v = snmp_varlist_add_variable(&vars, name, len, ASN_NULL, NULL, 0);
		if (!v)
			break;
		value_put(v, &vb[i].value);
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
	agx_after_work(a, 0);
	return 0;
}

/* ---- the loop ---- */

int agx_connected(const struct agx *a)
{
	return a && main_session != NULL;
}

uint64_t agx_dropped(const struct agx *a)
{
	return a ? a->dropped : 0;
}

static void agx_after_work(struct agx *a, int alarms)
{
	int up = main_session != NULL;

	netsnmp_check_outstanding_agent_requests();
	/* a new session may have a new socket under an old number: its
	 * watchers start afresh (libev must not keep the old registration).
	 * A ping that fails reconnects inside the alarms, where the session
	 * may come back at the same address: after alarms, always. */
	if ((void *)main_session != a->session || alarms) {
		for (size_t i = 0; i < AGX_FDS; i++)
			ev_io_stop(a->loop, &a->fds[i].io);
		a->session = main_session;
	}
	agx_rearm(a);
	if (up != a->was_connected)
		log_info("agentx: %s the master agent",
			 up ? "connected to" : "lost");
	a->was_connected = up;
}

static void agx_fd_readable_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct agx_fd *f = w->data;
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, w->fd + 1);
	NETSNMP_LARGE_FD_SET(w->fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	agx_after_work(f->a, 0);
}

/* Registers every column again. The master refuses a subtree another
 * subagent holds (a worker lbd replaces still serving it): we try again
 * each second until that one has gone. */
static void agx_register_again(struct agx *a)
{
	a->reg_failed = 0;
	log_info("agentx: registering again");
	for (size_t i = 0; i < a->ntables; i++) {
		const struct agx_table *t = &a->tables[i];
		oid base[AGX_OID_MAX];

		for (size_t j = 0; j < t->entry_len; j++)
			base[j] = t->entry[j];
		for (unsigned col = t->col_min; col <= t->col_max; col++) {
			base[t->entry_len] = col;
			unregister_mib(base, t->entry_len + 1);
			if (register_column(t, col) != 0)
				log_warnx("agentx: cannot register %s", t->name);
		}
	}
}

static void agx_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct agx *a = w->data;

	snmp_timeout();
	run_alarms();
	if (a->reg_failed && main_session)
		agx_register_again(a);
	agx_after_work(a, 1);
}

/* Mirrors net-snmp's sockets and next timeout in our watchers. They only
 * change when we call into net-snmp, so this runs after each of those
 * calls, not on every loop iteration. */
static void agx_rearm(struct agx *a)
{
	struct ev_loop *loop = a->loop;
	netsnmp_large_fd_set set;
	struct timeval tv = { 1, 0 };
	int nfds = 0, block = 0;
	size_t used = 0;

	netsnmp_large_fd_set_init(&set, FD_SETSIZE);	/* grows for higher fds */
	snmp_select_info2(&nfds, &set, &tv, &block);
	for (int fd = 0; fd < nfds && used < AGX_FDS; fd++) {
		struct agx_fd *f;

		if (!NETSNMP_LARGE_FD_ISSET(fd, &set))
			continue;
		f = &a->fds[used++];
		if (ev_is_active(&f->io) && f->io.fd == fd)
			continue;
		ev_io_stop(loop, &f->io);
		ev_io_set(&f->io, fd, EV_READ);
		ev_io_start(loop, &f->io);
	}
	for (; used < AGX_FDS; used++)
		ev_io_stop(loop, &a->fds[used].io);
	netsnmp_large_fd_set_cleanup(&set);
	ev_timer_stop(loop, &a->timer);
	if (block)
		tv = (struct timeval){ AGX_PING_S, 0 };
	ev_timer_set(&a->timer, tv.tv_sec + tv.tv_usec / 1e6, 0.);
	ev_timer_start(loop, &a->timer);
}

static int agx_log_cb(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;
	char buf[512];
	size_t n;

	if (!m || !m->msg)
		return 0;
	n = strlen(m->msg);
	while (n && (m->msg[n - 1] == '\n' || m->msg[n - 1] == '\r'))
		n--;
	snprintf(buf, sizeof(buf), "%.*s", (int)n, m->msg);
	/* net-snmp tells a refused registration only in its log, one line
	 * per subtree: say it once, and try again (agx_timer_cb) */
	if (agx_the && strncmp(buf, "registering pdu failed", 22) == 0) {
		if (!agx_the->reg_failed)
			log_info("agentx: the master agent refused a registration "
				 "(%s): trying again every second", buf);
		agx_the->reg_failed = 1;
		return 0;
	}
	if (m->priority <= LOG_WARNING)
		log_warnx("agentx: %s", buf);
	else if (m->priority <= LOG_INFO)
		log_info("agentx: %s", buf);
	else
		log_debug("agentx: %s", buf);
	return 0;
}


/* init_snmp without MIB files: a subagent answers by number, and parsing
 * every module in the MIB path is slow and noisy. MIBS is net-snmp's only
 * switch for it; the caller's value comes back afterwards, so scripts the
 * daemon runs see their environment unchanged. */
static void mibs_off_init(const char *name)
{
	const char *old = getenv("MIBS");
	char *saved = old ? strdup(old) : NULL;

	setenv("MIBS", "", 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_ERRORS, 0);
	init_snmp(name);
	if (saved)
		setenv("MIBS", saved, 1);
	else
		unsetenv("MIBS");
	free(saved);
}

struct agx *agx_new(struct ev_loop *loop, const char *name, const char *socket)
{
	struct agx *a;

	if (agx_the) {
		log_warnx("agentx: one subagent per process");
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->loop = loop;
	snprintf(a->name, sizeof(a->name), "%s", name);
	/* net-snmp's messages go to our log */
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
			       agx_log_cb, NULL);
	snmp_enable_calllog();
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_NO_ROOT_ACCESS, 1);
	if (socket && *socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET, socket);
	if (init_agent(a->name) != 0) {
		log_warnx("agentx: cannot start the subagent");
		free(a);
		return NULL;
	}
	/* ping the master every second, and try again that soon when it is
	 * not there or went away: before init_snmp for the first attempt,
	 * after it because it sets the defaults again */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, AGX_PING_S);
	mibs_off_init(a->name);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, AGX_PING_S);
	agx_the = a;
	ev_timer_init(&a->timer, agx_timer_cb, 0., 0.);
	a->timer.data = a;
	for (size_t i = 0; i < AGX_FDS; i++) {
		ev_io_init(&a->fds[i].io, agx_fd_readable_cb, -1, EV_READ);
		a->fds[i].io.data = &a->fds[i];
		a->fds[i].a = a;
	}
	agx_after_work(a, 0);
	return a;
}

void agx_free(struct agx *a)
{
	if (!a)
		return;
	ev_timer_stop(a->loop, &a->timer);
	for (size_t i = 0; i < AGX_FDS; i++)
		ev_io_stop(a->loop, &a->fds[i].io);
	snmp_shutdown(a->name);
	shutdown_agent();
	agx_the = NULL;
	free(a);
}
