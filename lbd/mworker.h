/*
 * mworker.h - a worker's side of master-worker mode (lbd -W): the
 * channel to the master (a SOCK_SEQPACKET socketpair whose descriptor the
 * master names in $LBD_MASTER_FD), and the hand-over to a process started
 * by hand with -sf/-st.
 *
 * Messages on the channel, one per datagram:
 *   master -> worker: a sockpass series (the listening sockets to reuse),
 *                     then "STF" with a memfd holding the previous
 *                     worker's runtime state (handover.h), or "STN";
 *                     "RLD" once a newer worker serves (stop softly);
 *                     "CLI <line>" with one descriptor (a master CLI
 *                     client whose command line was routed here);
 *   worker -> master: a sockpass series (every socket it listens on),
 *                     then "RDY" once its loops run.
 */
#ifndef LBD_MWORKER_H
#define LBD_MWORKER_H

struct ev_loop;

#define MWORKER_ENV	"LBD_MASTER_FD"
#define MWORKER_MSG_MAX	4096	/* a routed command line, with "CLI " */

/* At start-up, before binding: when a master started this process, take
 * the channel and the master's listening sockets (into the sockpass
 * pool). 1 when started by a master, 0 when not, -1 on a broken channel. */
int mworker_init(void);

/* Processes to stop once this one is ready (-sf: soft, -st: now). */
void mworker_set_finish(const int *pids, unsigned n, int hard);

/* The loops run and every socket is bound: tell the master (sending it
 * the listening sockets) and stop the processes of -sf/-st. */
void mworker_ready(struct ev_loop *loop);

/* Stop following the master (at exit). */
void mworker_stop(void);

#endif
