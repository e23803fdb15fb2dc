/* lib/io: the zero-copy steps pipe builds on (tee, sendfile,
 * copy_file_range, FIONREAD, a bounded read, pipe sizing). */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/fs.h"
#include "../../lib/io.h"
#include "unit.h"

UNIT_SUITE(test_io);

static void
tee_keeps(void)
{
	int a[2], b[2];
	char buf[16];

	CHECK(pipe2(a, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(pipe2(b, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(io_tee(a[0], b[1], 100) == -1 && errno == EAGAIN);
	CHECK(write(a[1], "hello", 5) == 5);
	CHECK_U64(io_pending(a[0]), 5);
	CHECK(io_tee(a[0], b[1], 100) == 5);
	/* tee copies: the source still has it all */
	CHECK_U64(io_pending(a[0]), 5);
	CHECK_U64(io_pending(b[0]), 5);
	CHECK(io_tee(a[0], b[1], 3) == 3);
	CHECK(read(b[0], buf, sizeof(buf)) == 8);
	CHECK(memcmp(buf, "hellohel", 8) == 0);
	/* splice moves: the source is drained */
	CHECK(io_splice(a[0], b[1], 100) == 5);
	CHECK_U64(io_pending(a[0]), 0);
	close(a[1]);
	CHECK(io_tee(a[0], b[1], 100) == 0);	/* no writer, empty: EOF */
	CHECK(io_splice(a[0], b[1], 100) == 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

static int
tmpfile_with(const char *s)
{
	int fd = fs_tmpfile(NULL);

	CHECK(fd != -1);
	CHECK(fs_write_all(fd, s, strlen(s)) == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

static void
file_steps(void)
{
	int in = tmpfile_with("0123456789"), out = fs_tmpfile(NULL);
	int sv[2], ap;
	char buf[32];

	CHECK(io_copy_range(in, out, 4) == 4);
	CHECK(io_copy_range(in, out, 100) == 6);
	CHECK(io_copy_range(in, out, 100) == 0);
	CHECK(pread(out, buf, sizeof(buf), 0) == 10);
	CHECK(memcmp(buf, "0123456789", 10) == 0);

	CHECK(lseek(in, 2, SEEK_SET) == 2);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(io_sendfile(in, sv[0], 5) == 5);
	CHECK(read(sv[1], buf, sizeof(buf)) == 5);
	CHECK(memcmp(buf, "23456", 5) == 0);
	CHECK_U64(lseek(in, 0, SEEK_CUR), 7);
	CHECK(io_sendfile(in, sv[0], 100) == 3);
	CHECK(io_sendfile(in, sv[0], 100) == 0);

	/* an O_APPEND target refuses the file steps: pipe reads and writes */
	ap = fs_tmpfile(NULL);
	CHECK(fcntl(ap, F_SETFL, O_APPEND) == 0);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK(io_copy_range(in, ap, 10) == -1);
	CHECK(errno == EBADF || errno == EINVAL);
	close(ap);
	close(sv[0]);
	close(sv[1]);
	close(in);
	close(out);
}

static void
readn_and_size(void)
{
	struct io_buf b;
	int p[2];
	long sz;

	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(io_buf_init(&b, 16) == 0);
	CHECK(write(p[1], "abcdefgh", 8) == 8);
	CHECK(io_buf_readn(&b, p[0], 3) == 3);
	CHECK(b.len == 3 && memcmp(b.data + b.off, "abc", 3) == 0);
	CHECK(io_buf_readn(&b, p[0], 100) == 5);
	CHECK(io_buf_readn(&b, p[0], 100) == -1 && errno == EAGAIN);
	io_buf_free(&b);

	sz = io_pipe_size(p[1], 256 * 1024);
	CHECK(sz >= 65536);
	CHECK(sz == fcntl(p[0], F_GETPIPE_SZ));
	/* never past pipe-max-size, never smaller than it was */
	CHECK(io_pipe_size(p[1], (size_t)1 << 40) >= sz);
	CHECK(io_pipe_size(p[1], 4096) >= sz);
	CHECK(io_pending(p[0]) == 0);
	CHECK(io_pipe_size(-1, 4096) == -1 && errno == EBADF);
	close(p[0]);
	close(p[1]);
}

void
test_io(void)
{
	unit_run("io: tee copies, splice moves, EOF", tee_keeps);
	unit_run("io: copy_file_range, sendfile, O_APPEND refuses", file_steps);
	unit_run("io: bounded read, pipe sizing, pending", readn_and_size);
}
