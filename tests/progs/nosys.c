/*
 * nosys: run a command with some system calls failing with ENOSYS, as on
 * an older kernel, to test the fallbacks of lib/spawn, lib/loop and
 * lib/reap for real (a seccomp filter, inherited by the command's own
 * children too).
 *
 * usage: nosys NAME[,NAME...] COMMAND [ARG ...]
 * NAME: pidfd_open, pidfd_send_signal, close_range, clone3
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <err.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH	AUDIT_ARCH_AARCH64
#endif

static const struct {
	const char	*name;
	int		 nr;
} calls[] = {
	{ "pidfd_open", 434 },
	{ "pidfd_send_signal", 424 },
	{ "close_range", 436 },
	{ "clone3", 435 },
};

int
main(int argc, char *argv[])
{
	struct sock_filter f[16];
	struct sock_fprog prog;
	char *list, *name;
	int nr[8], n = 0, k = 0, i;
	size_t j;

	if (argc < 3)
		errx(2, "usage: nosys NAME[,NAME...] COMMAND [ARG ...]");
	list = argv[1];
	while ((name = strsep(&list, ",")) != NULL) {
		for (j = 0; j < sizeof(calls) / sizeof(calls[0]); j++)
			if (strcmp(calls[j].name, name) == 0)
				break;
		if (j == sizeof(calls) / sizeof(calls[0]) || n == 8)
			errx(2, "unknown system call: %s", name);
		nr[n++] = calls[j].nr;
	}
#ifdef ARCH
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH,
	    1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
#endif
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (unsigned)nr[i], (unsigned char)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ERRNO | ENOSYS);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1)
		err(1, "seccomp");
	execvp(argv[2], argv + 2);
	err(127, "%s", argv[2]);
}
