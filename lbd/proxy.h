/*
 * proxy.h - the configuration model of lbd: global settings, proxies
 * (defaults, frontend, backend, listen), their binds and servers, and the
 * runtime state that hangs off them (counters, queues, idle pools).
 */
#ifndef LBD_PROXY_H
#define LBD_PROXY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "counters.h"
#include "lb.h"
#include "syslog.h"
#include "tls_conf.h"

#define LBD_MAX_THREADS	64
#define LBD_MAX_LOGS	4

struct logfmt;
struct session;
struct idle_conn;
struct check;
struct chk_http;
struct tcpchk;
struct cli_listener;
struct svc_conf;
struct acl;
struct acl_cond;
struct hrule;
struct trule;
struct stick_rule;
struct comp_conf;
struct stktable;
struct cap_conf;
struct ck_conf;
struct errsnap;
struct srv_ramp;

/* What a backend's health checks do. */
enum { PR_CHK_TCP, PR_CHK_HTTP, PR_CHK_TCPCHK, PR_CHK_PROTO, PR_CHK_EXTERNAL };

/* The named checks (option redis-check ...), PR_CHK_PROTO. */
enum pr_chk_proto { PR_PROTO_REDIS, PR_PROTO_MYSQL, PR_PROTO_PGSQL,
		    PR_PROTO_SMTP, PR_PROTO_LDAP, PR_PROTO_SSL_HELLO };

enum pr_mode { PR_MODE_TCP, PR_MODE_HTTP, PR_MODE_COUNT };
extern const char *const pr_mode_names[PR_MODE_COUNT];

enum {
	PR_CAP_DEF = 1u << 0,
	PR_CAP_FE  = 1u << 1,
	PR_CAP_BE  = 1u << 2,
	PR_CAP_LISTEN = PR_CAP_FE | PR_CAP_BE,
};

/* "retry-on" conditions */
enum {
	PR_RETRY_CONN_FAILURE   = 1u << 0,
	PR_RETRY_EMPTY_RESPONSE = 1u << 1,
	PR_RETRY_JUNK_RESPONSE  = 1u << 2,
	PR_RETRY_RESP_TIMEOUT   = 1u << 3,
	PR_RETRY_0RTT_REJECTED  = 1u << 4,
	PR_RETRY_404 = 1u << 5, PR_RETRY_408 = 1u << 6, PR_RETRY_425 = 1u << 7,
	PR_RETRY_500 = 1u << 8, PR_RETRY_501 = 1u << 9, PR_RETRY_502 = 1u << 10,
	PR_RETRY_503 = 1u << 11, PR_RETRY_504 = 1u << 12,
};

/* HTTP connection handling, "option http-keep-alive|http-server-close|httpclose" */
enum pr_http_conn { PR_HTTP_KAL, PR_HTTP_SCL, PR_HTTP_CLO };

/* "http-reuse" */
enum pr_reuse { PR_REUSE_NEVER, PR_REUSE_SAFE, PR_REUSE_AGGR, PR_REUSE_ALWS,
		PR_REUSE_COUNT };
extern const char *const pr_reuse_names[PR_REUSE_COUNT];

/* boolean "option" flags */
enum {
	PR_O_DONTLOGNULL = 1u << 0,
	PR_O_HTTPLOG     = 1u << 1,
	PR_O_TCPLOG      = 1u << 2,
	PR_O_FORWARDFOR  = 1u << 3,
	PR_O_REDISPATCH  = 1u << 4,
	PR_O_ALLBACKUPS  = 1u << 5,
	PR_O_SPLICE_AUTO = 1u << 7,
	PR_O_DONTLOG_NORMAL = 1u << 9,
	PR_O_LOG_SEPARATE_ERRORS = 1u << 10,
	PR_O_NOLINGER    = 1u << 12,
	PR_O_CLTKA       = 1u << 13,	/* clitcpka */
	PR_O_SRVKA       = 1u << 14,	/* srvtcpka */
	PR_O_HTTPLOG_CLF = 1u << 15,
	PR_O_PERSIST     = 1u << 16,	/* option persist */
};

struct pr_timeouts {		/* milliseconds, 0 = not set */
	uint32_t connect, client, server, tunnel, client_fin, server_fin;
	uint32_t http_request, http_keep_alive, queue, check, tarpit;
	uint32_t inspect;		/* tcp-request inspect-delay */
};

struct bind {
	struct bind *next;
	struct proxy *fe;
	char *file;
	int line;
	char *text;			/* "ADDR:PORT" as written */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned backlog;
	unsigned maxconn;		/* 0 = frontend's */
	atomic_uint curconn;		/* sessions accepted on it */
	int v6only;
	int transparent;		/* IP_FREEBIND */
	char *name;
	struct tls_conf *tls;		/* "ssl": shared by the line's addresses */
	int tls_owner;			/* this bind frees it */
	int fd[LBD_MAX_THREADS];	/* one listening socket per thread */
	unsigned nfd;
};

/* Server administrative/operational state. */
enum srv_state { SRV_ST_UP, SRV_ST_DOWN, SRV_ST_MAINT, SRV_ST_DRAIN,
		 SRV_ST_COUNT };
extern const char *const srv_state_names[SRV_ST_COUNT];

enum {
	SRV_F_BACKUP   = 1u << 0,
	SRV_F_DISABLED = 1u << 1,	/* "disabled": MAINT at start */
	SRV_F_DYNAMIC  = 1u << 2,	/* added at run time ("add server") */
	SRV_F_ADDR_SET = 1u << 3,	/* address changed at run time */
};

/* Administrative state bits (HAProxy's values, as "show servers state"
 * prints them). */
enum {
	SRV_ADMF_FMAINT = 0x01,		/* forced maintenance (CLI, agent) */
	SRV_ADMF_CMAINT = 0x04,		/* "disabled" in the configuration */
	SRV_ADMF_FDRAIN = 0x08,		/* forced drain (CLI, agent) */
	SRV_ADMF_MAINT  = SRV_ADMF_FMAINT | SRV_ADMF_CMAINT,
};

/* on-marked-down / on-marked-up actions */
enum { SRV_ON_NONE, SRV_ON_SHUTDOWN_SESSIONS, SRV_ON_SHUTDOWN_BACKUP_SESSIONS };

/* "observe": what live traffic says about a server */
enum srv_observe { SRV_OBS_NONE, SRV_OBS_LAYER4, SRV_OBS_LAYER7 };

/* "on-error": what error-limit consecutive errors do */
enum srv_on_error { SRV_ONERR_FASTINTER, SRV_ONERR_FAIL_CHECK,
		    SRV_ONERR_SUDDEN_DEATH, SRV_ONERR_MARK_DOWN, SRV_ONERR_COUNT };
extern const char *const srv_on_error_names[SRV_ONERR_COUNT];

/* A request or connection waiting for a server slot. */
struct pendconn {
	struct pendconn *next, *prev;
	struct session *sess;
	struct server *srv;		/* queued on this server, or NULL: backend */
	int thread;			/* thread owning sess */
};

struct pendq {
	struct pendconn *head, *tail;
	unsigned len, max;
};

struct server {
	struct server *next;
	struct proxy *be;
	char *id;
	char *file;
	int line;
	uint32_t puid;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct tls_conf *tls;		/* "ssl" and its options, NULL if clear text */
	unsigned uweight;		/* current weight, 0..256 (agent, "set weight") */
	unsigned iweight;		/* initial weight, as configured */
	unsigned maxconn, minconn, maxqueue;
	unsigned flags;
	enum srv_state state;		/* effective: from admin and oper_up */
	unsigned admin;			/* SRV_ADMF_* */
	int oper_up;			/* the checks' verdict (1 without checks) */
	int send_proxy;			/* send-proxy (v1) */
	int check_send_proxy;		/* check-send-proxy */
	int pool_max_conn;		/* -1 unlimited */
	uint32_t pool_purge_delay;	/* ms */

	/* health checks (check.c) */
	int do_check;
	uint32_t inter, fastinter, downinter;	/* ms */
	unsigned rise, fall;
	unsigned check_port;		/* 0: the server's port */
	struct sockaddr_storage check_addr;
	socklen_t check_addrlen;	/* 0: the server's address */
	struct check *check;
	int agent_check;		/* agent-check */
	unsigned agent_port;
	uint32_t agent_inter;		/* ms, 0: inter */
	char *agent_send;
	char *cookie;			/* "cookie <value>": persistence (cookie.c) */
	char *dyn_args;			/* "add server" arguments, for the next worker */
	struct sockaddr_storage agent_addr;
	socklen_t agent_addrlen;	/* 0: the check address */
	struct check *agent;

	/* lifecycle: slowstart.c, srv_kill.c, observe.c */
	uint32_t slowstart;		/* ms, 0: none */
	unsigned ss_pct;		/* slow-start ramp, percent (100: none) */
	struct srv_ramp *ramp;		/* the ramp's timer, on the first worker */
	unsigned on_marked_down;	/* SRV_ON_* */
	unsigned on_marked_up;
	enum srv_observe observe;
	unsigned error_limit;
	enum srv_on_error on_error;
	atomic_uint obs_errors;		/* consecutive errors seen in traffic */
	struct session *conns[LBD_MAX_THREADS];	/* per-thread sessions connected */

	/* runtime; lb and cur_sess under be->lock */
	struct lb_node lb;
	unsigned cur_sess, max_sess;
	struct pendq queue;
	struct pr_counters *cnt;	/* one block per thread */
	uint64_t last_change;		/* wall-clock seconds of the last state change */
	uint64_t down_since;		/* wall-clock seconds it went DOWN, 0 if not down */
	uint64_t downtime;		/* seconds spent DOWN before down_since */
	atomic_ullong chk_fail;		/* failed checks */
	atomic_ullong chk_down;		/* UP -> DOWN transitions */
	atomic_uint rate_max;		/* highest session rate seen */
	atomic_uint idle_count;
	struct idle_conn *idle[LBD_MAX_THREADS];	/* per-thread idle lists */
};

struct errorfile {
	int status;
	char *data;			/* full HTTP response */
	size_t len;
};

#define PR_ERR_COUNT 8	/* 400 403 408 500 502 503 504 + 414/431 share 400 */

struct proxy {
	struct proxy *next;
	char *id;
	char *file;
	int line;
	unsigned cap;			/* PR_CAP_* */
	uint32_t uuid;
	enum pr_mode mode;
	unsigned options;		/* PR_O_* */
	enum pr_http_conn http_conn;
	enum pr_reuse reuse;
	struct pr_timeouts to;
	unsigned maxconn;		/* frontend */
	unsigned fullconn;		/* load at which servers reach maxconn */
	int has_minconn;		/* a server uses minconn: dynamic limits */
	unsigned retries;
	unsigned retry_on;		/* PR_RETRY_* */
	int redispatch_every;		/* option redispatch <n>: >0 every nth retry,
					 * <0 the nth before the last (default -1) */
	int disabled;

	struct bind *binds;
	char *defbe_name;		/* default_backend */
	struct proxy *defbe;
	struct use_backend *use_be;

	struct server *servers;
	unsigned nservers;
	struct lb_pool lb;
	const char *lb_arg;		/* url_param name / hdr name (points into lb_arg_store) */
	char *lb_arg_store;
	char *defsrv_args;		/* default-server words, \x1f-separated */
	int load_state;			/* SRVSTATE_*: load-server-state-from-file */
	char *state_file_name;		/* server-state-file-name, NULL: the id */

	struct slog_target logs[LBD_MAX_LOGS];
	unsigned nlogs;
	int log_global;			/* "log global" seen */
	char *logfmt_str;		/* log-format text */
	struct logfmt *logfmt;
	char *fwdfor_hdr;		/* option forwardfor header name */
	char *fwdfor_except;

	struct errorfile errs[PR_ERR_COUNT];
	struct svc_conf *svc;		/* stats page, use-service rules */
	struct acl *acls;		/* acl.c: named ACLs, predefined ones used */
	struct hrule *http_req, *http_res;	/* http_rules.c */
	struct trule *tcp_conn, *tcp_content, *tcp_res;	/* tcp_rules.c */
	struct stick_rule *stick_rules;	/* stick.c: stick ..., use-server */
	struct comp_conf *comp;		/* compress.c: "compression" */
	struct stktable *table;		/* stktable.c: "stick-table" */
	struct cap_conf *caps;		/* capture.c: log captures (frontends) */
	struct ck_conf *ck;		/* cookie.c: "cookie" persistence */
	char *uid_fmt_str;		/* unique-id-format */
	struct logfmt *uid_fmt;		/* compiled when the proxy is finalized */
	char *uid_hdr;			/* unique-id-header */
	struct errsnap *err_req, *err_res;	/* last invalid messages (errsnap.c) */
	int check_kind;			/* PR_CHK_* */
	struct chk_http *httpchk;	/* option httpchk / http-check */
	struct tcpchk *tcpchk;		/* tcp-check rules */
	enum pr_chk_proto chk_proto;	/* named check */
	char *chk_user;			/* mysql-check / pgsql-check user */
	int chk_mysql_pre41;
	int chk_smtp_ehlo;		/* smtpchk EHLO (else HELO) */
	char *chk_domain;		/* smtpchk domain */
	char *extchk_cmd;		/* external-check command */
	char *extchk_path;		/* external-check path (PATH), NULL: "" */

	/* runtime */
	pthread_mutex_t lock;		/* lb, queue, server cur_sess */
	struct pendq queue;
	unsigned beconn;		/* under lock */
	unsigned served;
	struct pr_counters *fe_cnt, *be_cnt;	/* one block per thread each */
	atomic_uint feconn, fe_max;	/* frontend sessions now / highest */
	unsigned be_max;		/* highest beconn (under lock) */
	uint64_t down_since, downtime;	/* backend without servers (seconds) */
	atomic_ullong chk_down;		/* backend went without servers */
	atomic_uint rate_max[4];	/* STATS_RATE_*: highest rates seen */
	atomic_int paused;		/* "disable frontend": not accepting */
	unsigned srv_act, srv_bck;	/* usable servers */
	unsigned ev_usable;		/* last count sent to subscribers */
	int ev_usable_sent;
	uint64_t last_change;
};

struct use_backend {
	struct use_backend *next;
	char *name;
	struct proxy *be;		/* NULL with a dynamic name */
	struct logfmt *dyn;		/* "use_backend %[...]": the name per request */
	struct acl_cond *cond;		/* if|unless, NULL: always */
	char *file;
	int line;
};

struct global {
	unsigned maxconn;
	unsigned nbthread;
	int daemon;
	char *pidfile;
	char *chroot;
	uid_t uid;
	gid_t gid;
	int uid_set, gid_set;
	unsigned bufsize;		/* tune.bufsize */
	unsigned maxrewrite;		/* tune.maxrewrite */
	unsigned maxaccept;
	unsigned http_maxhdr;		/* tune.http.maxhdr */
	unsigned sndbuf_cli, rcvbuf_cli;	/* tune.sndbuf/rcvbuf.client, 0 kernel's */
	unsigned sndbuf_srv, rcvbuf_srv;	/* tune.sndbuf/rcvbuf.server */
	uint32_t hard_stop_after;
	struct slog_target logs[LBD_MAX_LOGS];
	unsigned nlogs;
	char *log_tag;
	char *log_send_hostname;
	char *node;
	int cpu_map[LBD_MAX_THREADS];	/* -1 = not pinned */
	int nosplice;
	unsigned spread_checks;		/* percent of jitter on check intervals */
	struct cli_listener *cli;	/* "stats socket" lines */
	char *vrrpd_socket;		/* follow vrrpd's instances (vrrpwatch.c) */
	char *snmp_agentx_socket;	/* LBD-MIB's AgentX master (snmpmib.c) */
	int on_addr_loss;		/* ADDR_LOSS_*: a bound address left */
	uint32_t cli_timeout;		/* "stats timeout", ms (0: 10 s) */
	unsigned cli_maxconn;		/* "stats maxconn" (0: 10) */
	int external_check;		/* external-check: 1, 2 with preserve-env */
	int insecure_fork_wanted;
	char *server_state_file;	/* read at start (srvstate.c) */
	char *server_state_base;	/* where relative state files are */
	int master_worker;		/* "master-worker": run as lbd -W */
	int mworker_max_reloads;	/* -1: old workers are not counted */
	struct tls_conf *tls_bind_def;	/* ssl-default-bind-* */
	struct tls_conf *tls_srv_def;	/* ssl-default-server-* */
	struct tls_tune tls_tune;	/* tune.ssl.* */
};

/* The rates whose maxima the stats sampler keeps (proxy rate_max[]). */
enum { STATS_RATE_SESS, STATS_RATE_CONN, STATS_RATE_REQ, STATS_RATE_BE_SESS };

/* A whole parsed configuration (one generation). */
struct lbd_conf {
	struct global global;
	struct proxy *proxies;		/* frontends, backends, listens; not defaults */
	struct proxy *defaults;		/* every defaults section, for "from" */
	struct userlist *userlists;	/* userlist.c */
	unsigned nproxies;
};

/* The IP of an IPv4 or IPv6 socket address as text into ip ("" for any
 * other family); returns its port (0 if none). */
unsigned sockaddr_ip_port(const struct sockaddr *sa, char *ip, size_t len);

/* Look a proxy up by name with the capability wanted; NULL if none. */
struct proxy *proxy_find(const struct lbd_conf *conf, const char *name,
			 unsigned cap);

/* Look a server up by name within a backend; NULL if none. */
struct server *proxy_find_server(const struct proxy *be, const char *name);

/* Free a whole configuration and everything hanging off it. NULL-safe. */
void lbd_conf_free(struct lbd_conf *conf);

/* Free one server (not linked anywhere any more). */
void proxy_server_free(struct server *s);

/* Free one proxy (used for defaults and on errors). NULL-safe. */
void proxy_free(struct proxy *px);

/* Copy the inheritable settings of a defaults section into px. 0 / -1 (ENOMEM). */
int proxy_inherit(struct proxy *px, const struct proxy *def);

/* Runtime: recount usable servers and rebuild the LB tables. Caller holds
 * be->lock. */
void proxy_srv_recalc(struct proxy *be);

/* Allocate the per-thread counters of every proxy and server for n
 * threads. 0 or -1 (ENOMEM). */
int proxy_counters_alloc(struct lbd_conf *conf, unsigned n);

#endif
