/*
 * pshelper: a process for tests/ps.bats to look at.  It names itself with
 * prctl(PR_SET_NAME) (its argv is set by the caller, with bash's exec -a),
 * can start threads, leave a zombie child, or rewrite its arguments as
 * one string the way setproctitle does, then sleeps and exits.
 *
 *   pshelper [-n NAME] [-t THREADS] [-z] [-r TEXT] [-s SECONDS]
 */
#include <sys/prctl.h>
#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double secs = 30;

static void
nap(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *
sleeper(void *arg)
{
	(void)arg;
	nap(secs);
	return NULL;
}

int
main(int argc, char *argv[])
{
	const char *name = NULL, *rewrite = NULL;
	int ch, threads = 0, zombie = 0, i;
	pthread_t t;
	char *end;

	while ((ch = getopt(argc, argv, "n:r:s:t:z")) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'r':
			rewrite = optarg;
			break;
		case 's':
			secs = strtod(optarg, &end);
			if (*end != '\0' || secs < 0 || secs > 3600)
				return 2;
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 'z':
			zombie = 1;
			break;
		default:
			fprintf(stderr, "usage: pshelper [-n NAME] [-t THREADS] "
			    "[-z] [-r TEXT] [-s SECONDS]\n");
			return 2;
		}
	}
	if (name != NULL && prctl(PR_SET_NAME, name, 0, 0, 0) != 0)
		return 1;
	if (rewrite != NULL) {
		/* one string over the whole argument area, no NULs between;
		 * the text is copied first: it lies in that area */
		char *start = argv[0], *stop = argv[argc - 1] +
		    strlen(argv[argc - 1]), *text = strdup(rewrite);
		size_t room = (size_t)(stop - start), n;

		if (text == NULL)
			return 1;
		n = strlen(text);
		if (n > room)
			n = room;
		memset(start, ' ', room);
		memcpy(start, text, n);
		free(text);
	}
	for (i = 0; i < threads; i++)
		if (pthread_create(&t, NULL, sleeper, NULL) != 0)
			return 1;
	if (zombie) {
		pid_t pid = fork();

		if (pid == -1)
			return 1;
		if (pid == 0)
			_exit(0);
	}
	/* tell the test we are ready: our stat now shows all of the above */
	printf("%d\n", (int)getpid());
	fflush(stdout);
	nap(secs);
	return 0;
}
