/*
 * io: moving bytes between descriptors.  Bounded (or growable) buffers
 * with one read or write step each, the splice step, non-blocking set-up
 * and pipe sizing.  What lib/loop's callbacks and the applets that copy
 * (run's capture, pipe) share.  Nothing prints.  Functions return 0 (or a
 * count), or -1 with errno set.
 */
#ifndef LIB_IO_H
#define LIB_IO_H

#include <sys/types.h>
#include <stddef.h>

/* Set O_NONBLOCK on fd. */
int	io_nonblock(int fd);


struct io_buf {
	char	*data;
	size_t	 cap;		/* fixed at init: the bound */
	size_t	 off, len;	/* pending: data[off .. off+len) */
	size_t	 max;		/* growable: io_buf_put may raise cap to it */
};

int	io_buf_init(struct io_buf *b, size_t cap);
/* An empty buffer whose io_buf_put grows it, up to max bytes (a queue
 * in front of a slow writer, whose producer pauses at its own mark). */
void	io_buf_init_growable(struct io_buf *b, size_t max);
void	io_buf_free(struct io_buf *b);
/* One read(2) into the free space: bytes read, 0 at EOF, -1 with errno
 * (EAGAIN: nothing now; ENOBUFS: the buffer is full). */
ssize_t	io_buf_read(struct io_buf *b, int fd);
/* The same, reading max bytes at most. */
ssize_t	io_buf_readn(struct io_buf *b, int fd, size_t max);
/* One write(2) of the pending bytes: bytes written, -1 with errno. */
ssize_t	io_buf_write(struct io_buf *b, int fd);
/* Append n bytes (growing a growable buffer), or fail with ENOBUFS
 * (or ENOMEM) and append nothing. */
int	io_buf_put(struct io_buf *b, const void *p, size_t n);
/* Free space, that is cap - len. */
size_t	io_buf_room(const struct io_buf *b);

/* Move up to max bytes from in to out with splice(2) (one of them a pipe)
 * without blocking on the pipe: bytes moved, 0 at EOF, -1 with errno
 * (EINVAL: splice cannot serve these two, copy with read and write). */
ssize_t	io_splice(int in, int out, size_t max);

/* Duplicate up to max bytes from pipe in to pipe out with tee(2), without
 * consuming them and without blocking: bytes, 0 when in is empty and has
 * no writer, -1 with errno (EAGAIN: in empty or out full). */
ssize_t	io_tee(int in, int out, size_t max);
/* Up to max bytes from the regular file in (at its offset) to out with
 * sendfile(2): bytes, 0 at end of file, -1 with errno (EAGAIN: out full;
 * EINVAL: not for these two). */
ssize_t	io_sendfile(int in, int out, size_t max);
/* Up to max bytes between regular files with copy_file_range(2), at both
 * offsets: bytes, 0 at end of file, -1 with errno (EXDEV, EINVAL, ENOSYS,
 * EOPNOTSUPP: copy another way). */
ssize_t	io_copy_range(int in, int out, size_t max);
/* Bytes waiting in the pipe (or socket) at fd, FIONREAD: >= 0, or -1. */
ssize_t	io_pending(int fd);
/* Bytes in flight through the splice steps: what io_splice, io_tee and
 * io_sendfile ask for at most in one call. */
#define IO_CHUNK	(1024 * 1024)

/* Enlarge the pipe at fd toward want bytes (F_SETPIPE_SZ), capped at
 * /proc/sys/fs/pipe-max-size and halved while the kernel refuses (the
 * per-user soft limit): the size it has now, or -1. */
long	io_pipe_size(int fd, size_t want);

#endif
