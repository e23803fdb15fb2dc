/*
 * io: buffers, splice, non-blocking set-up, pipe sizing.  See io.h.
 */
#include <sys/ioctl.h>
#include <sys/sendfile.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

int
io_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	if (fl & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ? -1 : 0;
}

/* ---- bounded buffers ---- */

int
io_buf_init(struct io_buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	if ((b->data = malloc(cap ? cap : 1)) == NULL)
		return -1;
	b->cap = cap;
	return 0;
}

void
io_buf_init_growable(struct io_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
io_buf_free(struct io_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

size_t
io_buf_room(const struct io_buf *b)
{
	return b->cap - b->len;
}

/* Move the pending bytes to the front when the tail is short. */
static void
compact(struct io_buf *b)
{
	if (b->len == 0)
		b->off = 0;
	else if (b->off > 0 && b->cap - b->off - b->len < b->cap / 2) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
}

ssize_t
io_buf_read(struct io_buf *b, int fd)
{
	return io_buf_readn(b, fd, SIZE_MAX);
}

ssize_t
io_buf_readn(struct io_buf *b, int fd, size_t max)
{
	size_t room;
	ssize_t n;

	compact(b);
	if (b->off + b->len == b->cap) {
		if (b->off == 0) {
			errno = ENOBUFS;
			return -1;
		}
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	room = b->cap - b->off - b->len;
	if (room > max)
		room = max;
	do
		n = read(fd, b->data + b->off + b->len, room);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		b->len += (size_t)n;
	return n;
}

ssize_t
io_buf_write(struct io_buf *b, int fd)
{
	ssize_t n;

	if (b->len == 0)
		return 0;
	do
		n = write(fd, b->data + b->off, b->len);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		b->off += (size_t)n;
		b->len -= (size_t)n;
		if (b->len == 0)
			b->off = 0;
	}
	return n;
}

/* Room for n more in a growable buffer: double from 64 KiB, up to max. */
static int
grow(struct io_buf *b, size_t n)
{
	size_t ncap = b->cap ? b->cap : 65536;
	char *nd;

	if (n > b->max - b->len) {
		errno = ENOBUFS;
		return -1;
	}
	while (ncap < b->len + n)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	if (b->off > 0) {		/* the pending bytes to the front */
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	if ((nd = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = nd;
	b->cap = ncap;
	return 0;
}

int
io_buf_put(struct io_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > b->cap - b->len && (b->max <= b->cap || grow(b, n) == -1)) {
		if (b->max <= b->cap)
			errno = ENOBUFS;
		return -1;
	}
	if (b->cap - b->off - b->len < n) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
	return 0;
}

ssize_t
io_splice(int in, int out, size_t max)
{
	ssize_t n;

	do
		n = splice(in, NULL, out, NULL, max,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
io_tee(int in, int out, size_t max)
{
	ssize_t n;

	do
		n = tee(in, out, max, SPLICE_F_NONBLOCK);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
io_sendfile(int in, int out, size_t max)
{
	ssize_t n;

	do
		n = sendfile(out, in, NULL, max);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
io_copy_range(int in, int out, size_t max)
{
	ssize_t n;

	do
		n = copy_file_range(in, NULL, out, NULL, max, 0);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
io_pending(int fd)
{
	int n;

	if (ioctl(fd, FIONREAD, &n) == -1)
		return -1;
	return n;
}

long
io_pipe_size(int fd, size_t want)
{
	static long max;
	char buf[32];
	ssize_t n;
	long cur;
	int fd2;

	if (max == 0) {
		max = 1024 * 1024;
		fd2 = open("/proc/sys/fs/pipe-max-size", O_RDONLY | O_CLOEXEC);
		if (fd2 != -1) {
			n = read(fd2, buf, sizeof(buf) - 1);
			if (n > 0) {
				buf[n] = '\0';
				max = strtol(buf, NULL, 10);
				if (max < 4096)
					max = 4096;
			}
			close(fd2);
		}
	}
	if ((cur = fcntl(fd, F_GETPIPE_SZ)) == -1)
		return -1;
	if (want > (size_t)max)
		want = (size_t)max;
	while (want > (size_t)cur) {
		if (fcntl(fd, F_SETPIPE_SZ, (int)want) != -1)
			return fcntl(fd, F_GETPIPE_SZ);
		if (errno != EPERM && errno != EBUSY)
			return cur;
		want /= 2;
	}
	return cur;
}
