/*
 * snmpmib.c - LBD-MIB for the AgentX subagent (see snmpmib.h). Tables are
 * described by rows of {column, "show stat" field, SMI type}; a snapshot
 * of every frontend, backend and server row (stats_fill_*, the readers
 * "show stat" uses) serves a walk, taken again when a second old or when
 * a server changed state, so a walk of a thousand servers does not fill
 * a thousand rows per variable.
 */
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "agentx.h"
#include "log.h"
#include "proxy.h"
#include "server.h"
#include "snmpmib.h"
#include "stats.h"
#include "version.h"
#include "vrrpwatch.h"
#include "worker.h"

/* enterprises.32473 is IANA's documentation number (RFC 5612); change it
 * here and in docs/mibs/LBD-MIB.txt to publish under your own. */
#define LBD_MIB_ENTERPRISE	32473
#define LBD_MIB			1, 3, 6, 1, 4, 1, LBD_MIB_ENTERPRISE, 1
#define LBD_OBJECTS		LBD_MIB, 1

static const uint32_t oid_process[] = { LBD_OBJECTS, 1 };
static const uint32_t oid_fe_entry[] = { LBD_OBJECTS, 2, 1 };
static const uint32_t oid_be_entry[] = { LBD_OBJECTS, 3, 1 };
static const uint32_t oid_sv_entry[] = { LBD_OBJECTS, 4, 1 };
static const uint32_t oid_vrrp_entry[] = { LBD_OBJECTS, 5, 1 };
static const uint32_t oid_srv_up[] = { LBD_MIB, 0, 1 };
static const uint32_t oid_srv_down[] = { LBD_MIB, 0, 2 };
static const uint32_t oid_be_empty[] = { LBD_MIB, 0, 3 };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SNAP_MAX_AGE	1.0	/* seconds a snapshot serves */
#define COLS_MAX	24

/* A column: its number in the entry, the "show stat" field, its type. */
struct mib_col {
	unsigned col;
	int st;
	enum agx_type type;
};

#define S_	AGX_STRING
#define G_	AGX_UNSIGNED
#define C_	AGX_COUNTER64

static const struct mib_col fe_cols[] = {
	{ 2, ST_PXNAME, S_ }, { 3, ST_STATUS, S_ }, { 4, ST_SCUR, G_ },
	{ 5, ST_SMAX, G_ }, { 6, ST_SLIM, G_ }, { 7, ST_STOT, C_ },
	{ 8, ST_BIN, C_ }, { 9, ST_BOUT, C_ }, { 10, ST_DREQ, C_ },
	{ 11, ST_DRESP, C_ }, { 12, ST_EREQ, C_ }, { 13, ST_RATE, G_ },
	{ 14, ST_RATE_MAX, G_ }, { 15, ST_REQ_RATE, G_ }, { 16, ST_REQ_TOT, C_ },
	{ 17, ST_HRSP_5XX, C_ },
};

static const struct mib_col be_cols[] = {
	{ 2, ST_PXNAME, S_ }, { 3, ST_STATUS, S_ }, { 4, ST_SCUR, G_ },
	{ 5, ST_SMAX, G_ }, { 6, ST_STOT, C_ }, { 7, ST_BIN, C_ },
	{ 8, ST_BOUT, C_ }, { 9, ST_ECON, C_ }, { 10, ST_ERESP, C_ },
	{ 11, ST_WRETR, C_ }, { 12, ST_WREDIS, C_ }, { 13, ST_WEIGHT, G_ },
	{ 14, ST_ACT, G_ }, { 15, ST_BCK, G_ }, { 16, ST_RATE, G_ },
	{ 17, ST_LASTCHG, G_ }, { 18, ST_DOWNTIME, G_ }, { 19, ST_QCUR, G_ },
};

static const struct mib_col sv_cols[] = {
	{ 2, ST_SVNAME, S_ }, { 3, ST_PXNAME, S_ }, { 4, ST_STATUS, S_ },
	{ 5, ST_WEIGHT, G_ }, { 6, ST_SCUR, G_ }, { 7, ST_SMAX, G_ },
	{ 8, ST_STOT, C_ }, { 9, ST_BIN, C_ }, { 10, ST_BOUT, C_ },
	{ 11, ST_ECON, C_ }, { 12, ST_ERESP, C_ }, { 13, ST_RATE, G_ },
	{ 14, ST_CHECK_STATUS, S_ }, { 15, ST_CHECK_DURATION, G_ },
	{ 16, ST_LASTCHG, G_ }, { 17, ST_DOWNTIME, G_ }, { 18, ST_CHKFAIL, C_ },
	{ 19, ST_CHKDOWN, C_ }, { 20, ST_ADDR, S_ }, { 21, ST_QCUR, G_ },
};

/* One row of a snapshot: its index and its columns' values. */
struct snap_row {
	uint32_t idx[2];
	size_t nidx;
	uint8_t has[COLS_MAX];		/* the field was not empty */
	uint64_t num[COLS_MAX];
	char *str[COLS_MAX];
};

struct snap_table {
	const struct mib_col *cols;
	size_t ncols;
	struct snap_row *rows;
	size_t n, cap;
};

static struct {
	struct ev_loop *loop;
	struct agx *agx;
	double taken;			/* ev_now of the snapshot, 0: none */
	struct snap_table fe, be, sv;
} mib;

/* ---- snapshots ---- */

static void snap_clear(struct snap_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[i].str[c]);
	t->n = 0;
}

static void snap_add(struct snap_table *t, const struct stats_row *r,
		     uint32_t i0, uint32_t i1, size_t nidx)
{
	struct snap_row *s;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct snap_row *p = realloc(t->rows, cap * sizeof(*p));

		if (!p)
			return;		/* the row is missing from this walk */
		t->rows = p;
		t->cap = cap;
	}
	s = &t->rows[t->n];
	memset(s, 0, sizeof(*s));
	s->idx[0] = i0;
	s->idx[1] = i1;
	s->nidx = nidx;
	for (size_t c = 0; c < t->ncols; c++) {
		const struct field *f = &r->f[t->cols[c].st];

		s->has[c] = f->type != FF_EMPTY;
		switch (f->type) {
		case FF_STR:
			s->str[c] = strdup(f->u.str ? f->u.str : "");
			s->has[c] = s->str[c] != NULL;
			break;
		case FF_U32: s->num[c] = f->u.u32; break;
		case FF_S32: s->num[c] = f->u.s32 < 0 ? 0 : (uint64_t)f->u.s32; break;
		case FF_U64: s->num[c] = f->u.u64; break;
		case FF_EMPTY: break;
		}
	}
	t->n++;
}

static int snap_cmp(const void *a, const void *b)
{
	const struct snap_row *x = a, *y = b;

	for (size_t i = 0; i < x->nidx && i < y->nidx; i++)
		if (x->idx[i] != y->idx[i])
			return x->idx[i] < y->idx[i] ? -1 : 1;
	return (x->nidx > y->nidx) - (x->nidx < y->nidx);
}

static void snap_take(void)
{
	struct stats_row r;

	if (mib.taken > 0 && ev_now(mib.loop) - mib.taken < SNAP_MAX_AGE)
		return;
	snap_clear(&mib.fe);
	snap_clear(&mib.be);
	snap_clear(&mib.sv);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (px->cap & PR_CAP_FE) {
			stats_fill_fe(px, &r);
			snap_add(&mib.fe, &r, px->uuid, 0, 1);
		}
		if (!(px->cap & PR_CAP_BE))
			continue;
		stats_fill_be(px, &r);
		snap_add(&mib.be, &r, px->uuid, 0, 1);
		for (struct server *s = px->servers; s; s = s->next) {
			stats_fill_sv(s, &r);
			snap_add(&mib.sv, &r, px->uuid, s->puid, 2);
		}
	}
	/* in index order: lookups are binary searches (agx_table.count) */
	qsort(mib.fe.rows, mib.fe.n, sizeof(*mib.fe.rows), snap_cmp);
	qsort(mib.be.rows, mib.be.n, sizeof(*mib.be.rows), snap_cmp);
	qsort(mib.sv.rows, mib.sv.n, sizeof(*mib.sv.rows), snap_cmp);
	mib.taken = ev_now(mib.loop);
}

static size_t snap_count_cb(void *arg)
{
	const struct snap_table *t = arg;

	snap_take();
	return t->n;
}

static int snap_row_cb(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	struct snap_table *t = arg;

	snap_take();
	if (i >= t->n)
		return -1;
	memcpy(idx, t->rows[i].idx, t->rows[i].nidx * sizeof(*idx));
	*n = t->rows[i].nidx;
	return 0;
}

static int snap_get_cb(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	struct snap_table *t = arg;
	const struct snap_row *s;

	if (i >= t->n)
		return -1;
	s = &t->rows[i];
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].col != col)
			continue;
		if (!s->has[c])
			return -1;
		if (t->cols[c].type == AGX_STRING)
			agx_set_str(v, s->str[c], strlen(s->str[c]));
		else
			agx_set_uint(v, t->cols[c].type, s->num[c]);
		return 0;
	}
	return -1;
}

/* ---- the process and the VRRP instances: read live ---- */

static int one_row_cb(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	if (i > 0)
		return -1;
	idx[0] = 0;
	*n = 1;
	return 0;
}

static uint64_t info_num(const struct field *f)
{
	switch (f->type) {
	case FF_U32: return f->u.u32;
	case FF_S32: return f->u.s32 < 0 ? 0 : (uint64_t)f->u.s32;
	case FF_U64: return f->u.u64;
	default: return 0;
	}
}

static int process_get_cb(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	static const int fields[] = {
		[1] = INF_VERSION, [2] = INF_PID, [3] = INF_UPTIME_SEC,
		[4] = INF_NBTHREAD, [5] = INF_MAXCONN, [6] = INF_CURR_CONN,
		[7] = INF_CUM_CONN, [8] = INF_CUM_REQ, [9] = INF_CONN_RATE,
		[10] = INF_DROPPED_LOGS, [11] = INF_NODE,
	};
	static const enum agx_type types[] = {
		[2] = AGX_UNSIGNED, [3] = AGX_UNSIGNED, [4] = AGX_UNSIGNED,
		[5] = AGX_UNSIGNED, [6] = AGX_UNSIGNED, [7] = AGX_COUNTER64,
		[8] = AGX_COUNTER64, [9] = AGX_UNSIGNED, [10] = AGX_COUNTER64,
	};
	struct stats_info si;
	const struct field *f;

	if (col == 12) {	/* lbdVrrpdConnected */
		int c = vrrpwatch_connected();

		agx_set_int(v, c > 0 ? 1 : c == 0 ? 2 : 3);
		return 0;
	}
	if (col < 1 || col > 11)
		return -1;
	stats_info_fill(&si);
	f = &si.f[fields[col]];
	if (col == 1 || col == 11) {
		const char *s = f->type == FF_STR && f->u.str ? f->u.str : "";

		agx_set_str(v, s, strlen(s));
		return 0;
	}
	agx_set_uint(v, types[col], info_num(f));
	return 0;
}

static int vrrp_row_cb(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	if (!vrrpwatch_get(i))
		return -1;
	idx[0] = (uint32_t)i + 1;
	*n = 1;
	return 0;
}

static int vrrp_get_cb(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	const struct vrrp_view *w = vrrpwatch_get(i);

	if (!w)
		return -1;
	switch (col) {
	case 2: agx_set_str(v, w->name, strlen(w->name)); break;
	case 3: agx_set_str(v, w->state, strlen(w->state)); break;
	case 4: agx_set_uint(v, AGX_UNSIGNED, w->priority); break;
	case 5: agx_set_str(v, w->master, strlen(w->master)); break;
	default: return -1;
	}
	return 0;
}

/* ---- notifications ---- */

static int srv_usable(enum srv_state s)
{
	return s == SRV_ST_UP || s == SRV_ST_DRAIN;
}

/* vb = entry.col.index with the string value s */
static void str_var(struct agx_varbind *vb, uint32_t *name, const uint32_t *entry,
		    size_t elen, unsigned col, const uint32_t *idx, size_t nidx,
		    const char *s)
{
	memcpy(name, entry, elen * sizeof(*name));
	name[elen] = col;
	memcpy(name + elen + 1, idx, nidx * sizeof(*idx));
	vb->name = name;
	vb->name_len = elen + 1 + nidx;
	agx_set_str(&vb->value, s ? s : "", s ? strlen(s) : 0);
}

static const char *field_str(const struct stats_row *r, int st)
{
	return r->f[st].type == FF_STR ? r->f[st].u.str : "";
}

static void snmpmib_srv_cb(struct server *srv, enum srv_state old,
			   enum srv_state now, void *arg)
{
	struct agx_varbind vb[4];
	uint32_t names[4][AGX_OID_MAX];
	struct stats_row r;
	struct proxy *be = srv->be;
	uint32_t idx[2] = { be->uuid, srv->puid };

	mib.taken = 0;		/* the next walk sees the change */
	if (srv_usable(old) == srv_usable(now))
		return;
	stats_fill_sv(srv, &r);
	str_var(&vb[0], names[0], oid_sv_entry, NELEM(oid_sv_entry), 2, idx, 2,
		field_str(&r, ST_SVNAME));
	str_var(&vb[1], names[1], oid_sv_entry, NELEM(oid_sv_entry), 3, idx, 2,
		field_str(&r, ST_PXNAME));
	str_var(&vb[2], names[2], oid_sv_entry, NELEM(oid_sv_entry), 4, idx, 2,
		field_str(&r, ST_STATUS));
	str_var(&vb[3], names[3], oid_sv_entry, NELEM(oid_sv_entry), 14, idx, 2,
		field_str(&r, ST_CHECK_STATUS));
	if (srv_usable(now))
		agx_notify(mib.agx, oid_srv_up, NELEM(oid_srv_up), vb, 4);
	else
		agx_notify(mib.agx, oid_srv_down, NELEM(oid_srv_down), vb, 4);
	if (srv_usable(now) || be->srv_act + be->srv_bck > 0)
		return;
	stats_fill_be(be, &r);
	str_var(&vb[0], names[0], oid_be_entry, NELEM(oid_be_entry), 2, idx, 1,
		field_str(&r, ST_PXNAME));
	str_var(&vb[1], names[1], oid_be_entry, NELEM(oid_be_entry), 3, idx, 1,
		field_str(&r, ST_STATUS));
	agx_notify(mib.agx, oid_be_empty, NELEM(oid_be_empty), vb, 2);
}

/* ---- start, stop ---- */

int snmpmib_start(struct ev_loop *loop)
{
	const char *sock = lbd.conf->global.snmp_agentx_socket;
	const struct agx_table tables[] = {
		{ "lbdProcess", oid_process, NELEM(oid_process), 1, 12,
		  one_row_cb, process_get_cb, NULL, NULL },
		{ "lbdFrontendTable", oid_fe_entry, NELEM(oid_fe_entry), 2, 17,
		  snap_row_cb, snap_get_cb, &mib.fe, snap_count_cb },
		{ "lbdBackendTable", oid_be_entry, NELEM(oid_be_entry), 2, 19,
		  snap_row_cb, snap_get_cb, &mib.be, snap_count_cb },
		{ "lbdServerTable", oid_sv_entry, NELEM(oid_sv_entry), 2, 21,
		  snap_row_cb, snap_get_cb, &mib.sv, snap_count_cb },
		{ "lbdVrrpTable", oid_vrrp_entry, NELEM(oid_vrrp_entry), 2, 5,
		  vrrp_row_cb, vrrp_get_cb, NULL, NULL },
	};

	if (!sock)
		return 0;
	mib.loop = loop;
	mib.fe = (struct snap_table){ .cols = fe_cols, .ncols = NELEM(fe_cols) };
	mib.be = (struct snap_table){ .cols = be_cols, .ncols = NELEM(be_cols) };
	mib.sv = (struct snap_table){ .cols = sv_cols, .ncols = NELEM(sv_cols) };
	mib.agx = agx_new(loop, "lbd", sock);
	if (!mib.agx)
		return -1;
	for (size_t i = 0; i < NELEM(tables); i++)
		if (agx_register(mib.agx, &tables[i]) != 0)
			goto fail;
	if (srv_watch_add(snmpmib_srv_cb, NULL) != 0)
		goto fail;
	return 0;
fail:
	snmpmib_stop();
	return -1;
}

void snmpmib_stop(void)
{
	if (!mib.agx)
		return;
	srv_watch_del(snmpmib_srv_cb, NULL);
	agx_free(mib.agx);
	mib.agx = NULL;
	snap_clear(&mib.fe);
	snap_clear(&mib.be);
	snap_clear(&mib.sv);
	free(mib.fe.rows);
	free(mib.be.rows);
	free(mib.sv.rows);
	memset(&mib, 0, sizeof(mib));
}
