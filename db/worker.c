/*
 * worker.c -- a reader thread for what must not run on the network
 * thread: a login's password check (PBKDF2, about 20 ms), reading the
 * unit changes, loading the client cards. Each job's run() is called on
 * the worker thread with the worker's own connection; the loop takes the
 * finished jobs with worker_done() and calls their done().
 *
 * Thread boundary: the queue and done lists are shared under lock; a job
 * belongs to the worker from worker_submit until worker_done hands it
 * back, and run() may touch only the job (and what it owns). notify is
 * called from the worker thread, without the lock, after each job.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "runtime.h"

struct worker {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	struct worker_job *queue, **queue_tail;
	struct worker_job *done, **done_tail;
	int		 stopping;
	char		*path;		/* owned */
	struct db	*db;		/* owned by the thread */
	void		(*notify)(void *);
	void		*arg;
	pthread_t	 thread;
};

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct worker_job	*job;
	char			*cause = NULL;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->queue == NULL && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		if ((job = w->queue) == NULL) {
			pthread_mutex_unlock(&w->lock);
			break;			/* stopping and drained */
		}
		if ((w->queue = job->next) == NULL)
			w->queue_tail = &w->queue;
		pthread_mutex_unlock(&w->lock);

		if (w->db == NULL && (w->db = db_open(w->path, 0,
		    &cause)) == NULL) {
			log_warnx("worker: %s", cause);
			free(cause);
			cause = NULL;
			job->result = -1;
		} else
			job->run(w->db, job);
		pthread_mutex_lock(&w->lock);
		job->next = NULL;
		*w->done_tail = job;
		w->done_tail = &job->next;
		pthread_mutex_unlock(&w->lock);
		if (w->notify != NULL)
			w->notify(w->arg);
	}
	db_close(w->db);
	w->db = NULL;
	return (NULL);
}

struct worker *
worker_start(const char *path, const char *name, void (*notify)(void *),
    void *arg, char **cause)
{
	struct worker	*w;

	w = xcalloc(1, sizeof *w);
	w->path = xstrdup(path);
	w->notify = notify;
	w->arg = arg;
	w->queue_tail = &w->queue;
	w->done_tail = &w->done;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if ((errno = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		xasprintf(cause, "worker: thread: %s", strerror(errno));
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w->path);
		free(w);
		return (NULL);
	}
	pthread_setname_np(w->thread, name);
	return (w);
}

void
worker_submit(struct worker *w, struct worker_job *job)
{
	pthread_mutex_lock(&w->lock);
	job->next = NULL;
	job->result = 0;
	*w->queue_tail = job;
	w->queue_tail = &job->next;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

struct worker_job *
worker_done(struct worker *w)
{
	struct worker_job	*list;

	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->lock);
	return (list);
}

struct worker_job *
worker_stop(struct worker *w)
{
	struct worker_job	*left;

	if (w == NULL)
		return (NULL);
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	left = w->done;
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w->path);
	free(w);
	return (left);
}
