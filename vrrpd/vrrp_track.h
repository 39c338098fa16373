/*
 * vrrp_track.h - what virtual routers track besides the wire: vrrp_script
 * programs run asynchronously (interval, timeout, rise/fall), vrrp_track_file
 * values watched with inotify, and notify programs fired and reaped. A slow
 * or hanging program never delays the event loop: children are watched
 * with ev_child and killed at their timeout.
 */
#ifndef VRRPD_VRRP_TRACK_H
#define VRRPD_VRRP_TRACK_H

struct ev_loop;
struct vrrp_conf;
struct vrrp_conf_global;
struct vrrp_track;

/* Called after a script or file changed its result. */
typedef void (*vrrp_track_change_fn)(void *arg);

/* Start every vrrp_script and vrrp_track_file of c (c must outlive the
 * tracker). A script that prev (the tracker of the configuration being
 * reloaded, or NULL) runs the same way keeps its verdict: a reload never
 * fails a healthy script while it reruns; a notify FIFO configured the
 * same way is taken over from prev with its reader, so that no line is
 * lost around the reload. Returns NULL after logging why. */
struct vrrp_track *vrrp_track_new(struct ev_loop *loop,
				  const struct vrrp_conf *c,
				  struct vrrp_track *prev,
				  vrrp_track_change_fn cb, void *arg);

/* The vrrp_track_lbd trackers (vrrp_lbd.h). */
struct vrrp_lbd *vrrp_track_lbd(const struct vrrp_track *t);

/* The vrrp_track_process trackers (vrrp_proc.h). */
struct vrrp_proc *vrrp_track_proc(const struct vrrp_track *t);

/* Stop everything: running scripts are killed; NULL is a no-op. */
void vrrp_track_free(struct vrrp_track *t);

/* 1 when the script's state is OK (after rise/fall), 0 when failed,
 * -1 when no script has that name. */
int vrrp_track_script_ok(const struct vrrp_track *t, const char *name);

/* The integer the track file holds now (0 when missing or unreadable). */
long vrrp_track_file_value(const struct vrrp_track *t, const char *name);

/* Run the command line cmd with up to 8 extra arguments appended, as
 * user/group when given (NULL: as ourselves); the child is reaped and
 * not waited for. Returns 0 or -1. */
int vrrp_track_spawn(struct vrrp_track *t, const char *cmd,
		     const char *const *extra, int nextra);

/* startup_script / shutdown_script: run g->run[which] (as its user, else
 * script_user) and wait for it on loop, which must have nothing else to
 * serve then (vrrpd calls it before starting anything and after stopping
 * everything): at most its timeout, then its process group is killed.
 * Returns its exit status, -1 when it could not run or was killed, 0
 * when there is none. */
int vrrp_track_run_wait(struct ev_loop *loop, const struct vrrp_conf_global *g,
			int which);

/* Write one line (newline added) to every notify FIFO; never blocks: a
 * FIFO nobody drains drops lines. */
void vrrp_track_fifo(struct vrrp_track *t, const char *line);

#endif
