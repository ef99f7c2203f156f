/* writer.c - one thread that runs the mutations, in arrival order.
 *
 * Mutations serialise on the writers' lock and a mutation may take a while
 * (SQLite fsync, a kernel transaction).  Were they run on libmicrohttpd's
 * pool threads, a queue of writers would occupy every pool thread and reads
 * would wait for a thread.  Instead the server suspends a mutation's
 * connection and queues the call here; this thread runs it, renders the
 * answer and resumes the connection.  Reads never enter this queue. */
#include <errno.h>
#include <stdlib.h>

#include "api_internal.h"

struct sg_writer {
	const struct sg_api_ctx *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sg_writer_job *head, *tail;
	bool stopping;
	pthread_t thread;
};

static struct sg_writer_job *next_job(struct sg_writer *w)
{
	pthread_mutex_lock(&w->mu);
	while (!w->head && !w->stopping)
		pthread_cond_wait(&w->cv, &w->mu);
	struct sg_writer_job *j = w->head;
	if (j) {
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	return j;
}

static void *writer_main(void *arg)
{
	struct sg_writer *w = arg;
	struct sg_writer_job *j;
	/* Drains the queue before it stops: a queued call is always answered. */
	while ((j = next_job(w))) {
		sg_api_call_run(w->ctx, j->call);
		j->done(j);
	}
	return NULL;
}

int sg_writer_start(const struct sg_api_ctx *ctx, struct sg_writer **out)
{
	struct sg_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	int rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc) {
		free(w);
		return -rc;
	}
	*out = w;
	return 0;
}

bool sg_writer_queue(struct sg_writer *w, struct sg_writer_job *j)
{
	bool queued = false;
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (!w->stopping) {
		if (w->tail)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		queued = true;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return queued;
}

void sg_writer_stop(struct sg_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
