/* lib/spawn: the plan, exec errors, rlimit parsing. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/spawn.h"
#include "unit.h"

/* Run sh -c script with the plan in sp; its exit code, or -1. */
static int
sh(struct spawn *sp, const char *script)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct spawn_err se;
	pid_t pid;
	int st;

	sp->argv = argv;
	if (spawn_start(sp, &pid, &se) == -1)
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
plain(void)
{
	struct spawn sp = { .umask = -1 };

	CHECK_U64(sh(&sp, "exit 3"), 3);
	CHECK_U64(sh(&sp, "exit 0"), 0);
}

static void
exec_errors(void)
{
	struct spawn sp = { .umask = -1 };
	struct spawn_err se;
	char *nf[] = { "syskit-no-such-command", NULL };
	char *abs[] = { "/nonexistent/x", NULL };
	char *noexec[] = { "/etc/passwd", NULL };
	char *empty[] = { "", NULL };
	pid_t pid;

	sp.argv = nf;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == ENOENT &&
	    se.step == SPAWN_STEP_EXEC);
	CHECK_U64(spawn_exec_status(ENOENT), 127);
	sp.argv = abs;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == ENOENT);
	sp.argv = noexec;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == EACCES &&
	    se.step == SPAWN_STEP_EXEC);
	CHECK_U64(spawn_exec_status(EACCES), 126);
	sp.argv = empty;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == ENOENT);
	/* the failed children were reaped */
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	CHECK_STR(spawn_step_name(SPAWN_STEP_CWD), "change directory");
}

static void
cwd_umask_nice(void)
{
	struct spawn sp = { .umask = -1 };
	struct spawn_err se;
	char *argv[] = { "true", NULL };
	pid_t pid;

	sp.cwd = "/";
	CHECK_U64(sh(&sp, "[ \"$(pwd)\" = / ]"), 0);
	sp.cwd = "/nonexistent";
	sp.argv = argv;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == ENOENT &&
	    se.step == SPAWN_STEP_CWD);
	sp.cwd = NULL;
	sp.umask = 027;
	CHECK_U64(sh(&sp, "[ \"$(umask)\" = 0027 ]"), 0);
	sp.umask = -1;
	sp.flags = SPAWN_NICE;
	sp.nice = 3;
	CHECK_U64(sh(&sp, "[ \"$(cut -d' ' -f19 /proc/self/stat)\" -ge 3 ]"),
	    0);
}

static void
fds(void)
{
	struct spawn sp = { .umask = -1 };
	struct spawn_fd fa[2];
	char buf[64], script[128];
	int p[2], keep, n;

	/* stdout to a pipe */
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	memset(fa, 0, sizeof(fa));
	fa[0].op = SPAWN_DUP2;
	fa[0].fd = 1;
	fa[0].src = p[1];
	sp.fds = fa;
	sp.nfds = 1;
	CHECK_U64(sh(&sp, "echo hello"), 0);
	close(p[1]);
	n = (int)read(p[0], buf, sizeof(buf));
	CHECK(n == 6 && memcmp(buf, "hello\n", 6) == 0);
	close(p[0]);
	/* open and dup2 an fd onto itself */
	fa[0].op = SPAWN_OPEN;
	fa[0].fd = 5;
	fa[0].path = "/dev/null";
	fa[0].oflags = O_RDONLY;
	sp.nfds = 1;
	CHECK_U64(sh(&sp, "[ -e /proc/self/fd/5 ]"), 0);
	fa[1].op = SPAWN_CLOSE;
	fa[1].fd = 5;
	sp.nfds = 2;
	CHECK_U64(sh(&sp, "[ ! -e /proc/self/fd/5 ]"), 0);
	/* an inherited descriptor (not close-on-exec) is closed... */
	keep = open("/dev/null", O_RDONLY);
	CHECK(keep > 2);
	snprintf(script, sizeof(script), "[ ! -e /proc/self/fd/%d ]", keep);
	sp.nfds = 0;
	CHECK_U64(sh(&sp, script), 0);
	/* ...unless kept or SPAWN_KEEPFDS */
	snprintf(script, sizeof(script), "[ -e /proc/self/fd/%d ]", keep);
	sp.keep = &keep;
	sp.nkeep = 1;
	CHECK_U64(sh(&sp, script), 0);
	sp.nkeep = 0;
	sp.flags = SPAWN_KEEPFDS;
	CHECK_U64(sh(&sp, script), 0);
	/* kept even when close-on-exec */
	fcntl(keep, F_SETFD, FD_CLOEXEC);
	sp.flags = 0;
	sp.nkeep = 1;
	CHECK_U64(sh(&sp, script), 0);
	close(keep);
}

static void
groups_signals(void)
{
	struct spawn sp = { .umask = -1 };
	char script[128];
	sigset_t set, old;

	/* fields 5 and 6 of /proc/PID/stat: process group, session */
	sp.flags = SPAWN_PGROUP;
	CHECK_U64(sh(&sp, "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = $$ ]"), 0);
	CHECK_U64(sh(&sp, "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" != $$ ]"), 0);
	sp.flags = SPAWN_SESSION;
	CHECK_U64(sh(&sp, "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ ]"), 0);
	snprintf(script, sizeof(script),
	    "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = %d ]", (int)getpgrp());
	sp.flags = 0;
	CHECK_U64(sh(&sp, script), 0);
	/* an ignored SIGPIPE and a blocked SIGUSR1 are not inherited */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	CHECK_U64(sh(&sp, "kill -PIPE $$; exit 0"), 128 + SIGPIPE);
	CHECK_U64(sh(&sp,
	    "grep -q '^SigBlk:[[:space:]]*0*$' /proc/self/status"), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
}

static void
path_env(void)
{
	struct spawn sp = { .umask = -1 };
	struct spawn_err se;
	char *env[] = { "PATH=/nonexistent:/usr/bin:/bin", "X=1", NULL };
	char *env2[] = { "PATH=/nonexistent", NULL };
	char *argv[] = { "sh", "-c", "[ \"$X\" = 1 ]", NULL };
	char tmpl[] = "/tmp/syskit-unit-XXXXXX";
	char *script[] = { tmpl, NULL };
	pid_t pid;
	int st, fd;

	sp.envp = env;
	sp.argv = argv;
	CHECK(spawn_start(&sp, &pid, &se) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	sp.envp = env2;
	CHECK(spawn_start(&sp, &pid, &se) == -1 && errno == ENOENT);
	/* a script without #! runs under /bin/sh, as execvp does */
	fd = mkstemp(tmpl);
	CHECK(fd != -1);
	CHECK(write(fd, "exit 7\n", 7) == 7);
	close(fd);
	chmod(tmpl, 0700);
	sp.envp = NULL;
	sp.argv = script;
	CHECK(spawn_start(&sp, &pid, &se) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 7);
	unlink(tmpl);
}

static void
rlimits(void)
{
	struct spawn sp = { .umask = -1 };
	struct spawn_rlimit rl[2];
	struct spawn_err se;
	char *argv[] = { "true", NULL };
	pid_t pid;

	CHECK(spawn_parse_rlimit("nofile=20", &rl[0]) == 0);
	sp.rlimits = rl;
	sp.nrlimits = 1;
	CHECK_U64(sh(&sp, "[ $(ulimit -n) = 20 ] && [ $(ulimit -Hn) = 20 ]"),
	    0);
	CHECK(spawn_parse_rlimit("nofile=30:", &rl[0]) == 0);
	CHECK_U64(sh(&sp, "[ $(ulimit -n) = 30 ] && [ $(ulimit -Hn) != 30 ]"),
	    0);
	CHECK(spawn_parse_rlimit("core=0", &rl[0]) == 0);
	CHECK(spawn_parse_rlimit("fsize=1M", &rl[1]) == 0);
	sp.nrlimits = 2;
	CHECK_U64(sh(&sp, "[ $(ulimit -c) = 0 ] && [ $(ulimit -f) = 2048 ]"),
	    0);
	/* a soft limit above the hard one fails in the child */
	rl[0].resource = RLIMIT_NOFILE;
	rl[0].set = SPAWN_RL_SOFT;
	rl[0].soft = RLIM_INFINITY;
	sp.nrlimits = 1;
	sp.argv = argv;
	if (geteuid() != 0) {
		CHECK(spawn_start(&sp, &pid, &se) == -1 &&
		    se.step == SPAWN_STEP_RLIMIT && se.index == 0);
	}
}

static void
parse_rlimit(void)
{
	struct spawn_rlimit rl;

	CHECK(spawn_parse_rlimit("nofile=64", &rl) == 0);
	CHECK(rl.resource == RLIMIT_NOFILE && rl.soft == 64 &&
	    rl.hard == 64 && rl.set == (SPAWN_RL_SOFT | SPAWN_RL_HARD));
	CHECK(spawn_parse_rlimit("NOFILE=64:128", &rl) == 0);
	CHECK(rl.soft == 64 && rl.hard == 128);
	CHECK(spawn_parse_rlimit("RLIMIT_NPROC=:100", &rl) == 0);
	CHECK(rl.resource == RLIMIT_NPROC && rl.set == SPAWN_RL_HARD &&
	    rl.hard == 100);
	CHECK(spawn_parse_rlimit("as=1G:", &rl) == 0);
	CHECK(rl.resource == RLIMIT_AS && rl.set == SPAWN_RL_SOFT &&
	    rl.soft == 1024ULL * 1024 * 1024);
	CHECK(spawn_parse_rlimit("cpu=1.5s:unlimited", &rl) == 0);
	CHECK(rl.resource == RLIMIT_CPU && rl.soft == 2 &&
	    rl.hard == RLIM_INFINITY);
	CHECK(spawn_parse_rlimit("stack=8M", &rl) == 0 &&
	    rl.soft == 8 << 20);
	CHECK(spawn_parse_rlimit("core=infinity", &rl) == 0 &&
	    rl.soft == RLIM_INFINITY);
	CHECK_STR(spawn_rlimit_name(RLIMIT_MEMLOCK), "memlock");
	errno = 0;
	CHECK(spawn_parse_rlimit("bogus=1", &rl) == -1 && errno == EINVAL);
	CHECK(spawn_parse_rlimit("nofile", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=:", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=x", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=10:5", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=1:2:3", &rl) == -1);
	CHECK(spawn_parse_rlimit("=5", &rl) == -1);
	CHECK(spawn_parse_rlimit("nofile=-1", &rl) == -1);
	CHECK(spawn_parse_rlimit("RLIMIT_=5", &rl) == -1);
	errno = 0;
	CHECK(spawn_parse_rlimit("nofile=99999999999999999999999", &rl) ==
	    -1 && errno == ERANGE);
}

UNIT_SUITE(test_spawn);

void
test_spawn(void)
{
	unit_run("spawn: plain", plain);
	unit_run("spawn: exec errors", exec_errors);
	unit_run("spawn: cwd, umask, nice", cwd_umask_nice);
	unit_run("spawn: fd actions and closing", fds);
	unit_run("spawn: groups and signals", groups_signals);
	unit_run("spawn: PATH and environment", path_env);
	unit_run("spawn: rlimits", rlimits);
	unit_run("spawn: parse rlimits", parse_rlimit);
}
