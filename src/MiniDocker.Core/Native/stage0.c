/*
 * minidocker stage-0: the only native code of MiniDocker.
 *
 * The .NET host cannot run managed code between clone() and execve() (the
 * runtime is multi-threaded; a forked child may only call async-signal-safe
 * functions), so it computes everything in C# and hands this program a plan:
 * a flat list of steps. This program executes the steps in order and makes
 * no decisions of its own. Any failure is reported to the host as
 * {step index, errno} on the sync socket, then the process exits.
 *
 * File descriptors on entry (argv[1] says how many were passed):
 *   0,1,2  the container's stdio
 *   3      the plan (read to EOF)
 *   4      the sync socket (AF_UNIX stream) shared with the host
 *   5..    extra fds the plan refers to by number (e.g. namespaces to join)
 *
 * Sync messages are three int32: {type, a, b}.
 *   child pid  -> host   {MSG_PID, pid, 0}
 *   host       -> child  one byte, "go"
 *   failure    -> host   {MSG_ERROR, step, errno}
 *   tty master -> host   {MSG_TTY, 0, 0} with the fd as SCM_RIGHTS
 *   log monitor -> host  {MSG_LOGGER, pid, 0}
 * With a monitor step, stage-0 stays as the container's parent and records how it ended.
 * A successful execve closes the (close-on-exec) sync socket: the host sees EOF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PLAN_MAGIC 0x3050444dU /* "MDP0" */
#define PLAN_VERSION 1U
#define PLAN_FD 3
#define SYNC_FD 4
#define MAX_PLAN (16u << 20)

enum { MSG_PID = 1, MSG_ERROR = 2, MSG_TTY = 3, MSG_LOGGER = 5 };

enum {
    OP_CLONE = 1, OP_WAIT_GO = 2, OP_SETNS = 3, OP_PROPAGATION = 4,
    OP_ROOTFS = 5, OP_MOUNT = 6, OP_BIND = 7, OP_MKNOD = 8, OP_SYMLINK = 9,
    OP_MKDIR = 10, OP_PIVOT_ROOT = 11, OP_HOSTNAME = 12, OP_DOMAINNAME = 13,
    OP_RLIMIT = 14, OP_TTY = 15, OP_CHDIR = 16, OP_CREDENTIALS = 17,
    OP_NO_NEW_PRIVS = 18, OP_EXEC = 19, OP_UMASK = 20, OP_LOOPBACK_UP = 21, OP_READONLY_ROOT = 22, OP_MASK_PATH = 23, OP_READONLY_PATH = 24, OP_UNSHARE = 25, OP_DROP_BOUNDING = 26, OP_CAPSET = 27, OP_SECCOMP = 28,
    OP_LANDLOCK = 29, OP_WRITE_ATTR = 30, OP_LOG = 31, OP_MONITOR = 32, OP_JOIN_CGROUP = 33,
};

enum { EXEC_INIT = 1, EXEC_PDEATHSIG = 2, EXEC_SETSID = 4, EXEC_CTTY = 8 };
enum { TARGET_DIR = 0, TARGET_FILE = 1 };

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

struct mount_attr_v0 { uint64_t attr_set, attr_clr, propagation, userns_fd; };
#define MOUNT_ATTR_RDONLY_ 0x1ULL

struct cursor { const uint8_t *p, *end; };

static int step_index = -1;
/* The plan lives in its own mapping, so the log monitor (forked from stage-0) can give its
 * pages back instead of carrying a copy of the whole plan for the container's life. */
static uint8_t *plan_buffer;
static size_t plan_capacity;
static int root_fd = -1;
/* Set by OP_MONITOR: the directory (opened on the host side) where the exit record goes. */
static int monitor_dir_fd = -1;

/* ---- reporting ------------------------------------------------------- */

static void send_msg(int type, int a, int b, int fd_to_pass)
{
    int32_t m[3] = { type, a, b };
    struct iovec iov = { m, sizeof m };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd_to_pass >= 0) {
        memset(&ctl, 0, sizeof ctl);
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
    }
    while (sendmsg(SYNC_FD, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

static _Noreturn void fail(int err)
{
    send_msg(MSG_ERROR, step_index, err, -1);
    _exit(126);
}

#define CHECK(expr) do { if ((expr) < 0) fail(errno); } while (0)

/* ---- plan decoding: the C# writer lays strings out NUL-terminated ------ */

static uint32_t u32(struct cursor *c)
{
    if (c->end - c->p < 4) fail(EBADMSG);
    uint32_t v;
    memcpy(&v, c->p, 4);
    c->p += 4;
    return v;
}

static uint64_t u64(struct cursor *c)
{
    if (c->end - c->p < 8) fail(EBADMSG);
    uint64_t v;
    memcpy(&v, c->p, 8);
    c->p += 8;
    return v;
}

static const char *str(struct cursor *c)
{
    uint32_t n = u32(c);
    if ((size_t)(c->end - c->p) < (size_t)n + 1 || c->p[n] != 0) fail(EBADMSG);
    const char *s = (const char *)c->p;
    c->p += n + 1;
    return s;
}

/* A list of strings becomes a NULL-terminated array for execve. */
static char **strlist(struct cursor *c)
{
    uint32_t n = u32(c);
    if (n > 65536) fail(E2BIG);
    char **v = calloc(n + 1, sizeof *v);
    if (!v) fail(ENOMEM);
    for (uint32_t i = 0; i < n; i++) v[i] = (char *)str(c);
    return v;
}

/* ---- paths inside the container root --------------------------------- */

/* RESOLVE_IN_ROOT makes "..", absolute symlinks and the path itself resolve
 * inside root_fd, so a symlink planted in an image cannot send a mount to a
 * host path (CVE-2021-30465). */
static int open_in_root(const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

static int ensure_in_root(const char *path, int kind);

/* Opens the parent directory of path inside the root (creating it) and
 * leaves the last component in *name. */
static int open_parent(const char *path, char *copy, size_t size, const char **name)
{
    if (strlen(path) >= size) { errno = ENAMETOOLONG; return -1; }
    strcpy(copy, path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/') copy[--n] = 0;
    char *slash = strrchr(copy, '/');
    if (!slash || slash[1] == 0) { errno = EINVAL; return -1; }
    *name = slash + 1;
    if (slash == copy) return open_in_root("/", O_DIRECTORY);
    *slash = 0;
    return ensure_in_root(copy, TARGET_DIR);
}

static int ensure_in_root(const char *path, int kind)
{
    int fd = open_in_root(path, 0);
    if (fd >= 0 || errno != ENOENT) return fd;

    char copy[4096];
    const char *name;
    int parent = open_parent(path, copy, sizeof copy, &name);
    if (parent < 0) return -1;
    int r;
    if (kind == TARGET_DIR) {
        r = mkdirat(parent, name, 0755);
    } else {
        r = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (r >= 0) close(r);
    }
    /* EEXIST after ENOENT means the name is a dangling symlink: refuse to
     * follow it rather than guess where it should point. */
    if (r < 0 && errno == EEXIST) errno = ELOOP;
    close(parent);
    if (r < 0) return -1;
    return open_in_root(path, 0);
}

static void fd_path(char *buf, size_t size, int fd)
{
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* ---- signals ---------------------------------------------------------- */

struct kernel_sigaction { void *handler; unsigned long flags; void *restorer; uint64_t mask; };

/* glibc's sigfillset and posix_spawn leave out signals 32 and 33, so the
 * raw syscalls reset every signal the host may have ignored or blocked
 * (.NET ignores SIGPIPE, for one). */
static void reset_signals(void)
{
    struct kernel_sigaction dfl = { 0 };
    for (int sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
    }
    uint64_t none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
}

/* ---- steps ------------------------------------------------------------ */

#define EXIT_RECORD "exit"

/* A detached container outlives the host, which then cannot learn how it ended: stage-0 stays
 * as its parent (like conmon), reaps it and writes "exit <code>" or "signal <number>" to the
 * state directory (to a temporary name, then renamed, so a reader never sees half of it). */
static _Noreturn void monitor_child(pid_t child)
{
    /* Nothing of the container's start may stay open here: the sync socket's EOF tells the
     * host that the program runs, and the log pipes' EOF ends the log monitor. */
    int dir = fcntl(monitor_dir_fd, F_DUPFD_CLOEXEC, 3);
    if (dir < 0) _exit(1);
    syscall(SYS_close_range, 0U, (unsigned)dir - 1, 0);
    syscall(SYS_close_range, (unsigned)dir + 1, ~0U, 0);
    munmap(plan_buffer, plan_capacity);
    setsid();
    prctl(PR_SET_NAME, "md-monitor", 0, 0, 0);
    int status;
    while (waitpid(child, &status, __WALL) < 0)
        if (errno != EINTR) _exit(1);
    char record[32];
    int n = WIFEXITED(status) ? snprintf(record, sizeof record, "exit %d\n", WEXITSTATUS(status))
                              : snprintf(record, sizeof record, "signal %d\n", WTERMSIG(status));
    int fd = openat(dir, EXIT_RECORD ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0 || write(fd, record, (size_t)n) != n || fsync(fd) < 0) _exit(1);
    close(fd);
    _exit(renameat(dir, EXIT_RECORD ".tmp", dir, EXIT_RECORD) < 0 ? 1 : 0);
}

static void op_monitor(struct cursor *c)
{
    const char *directory = str(c);
    monitor_dir_fd = open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (monitor_dir_fd < 0) fail(errno);
}

static void op_clone(struct cursor *c)
{
    uint64_t flags = u64(c);
    uint32_t cgroup_fd = u32(c);
    /* Monitored, the container is stage-0's child; otherwise the host's (CLONE_PARENT). */
    uint64_t parent = monitor_dir_fd >= 0 ? 0 : CLONE_PARENT;
    long pid;
    if (cgroup_fd != UINT32_MAX) {
        /* cgroup v2: the child is born in its cgroup, so not one instruction of it
         * runs (or allocates) outside its limits. */
        /* No exit_signal: with CLONE_PARENT, clone3 refuses one and the child inherits
         * stage-0's own (SIGCHLD) toward the host. */
        struct clone_args_v2 args = {
            .flags = flags | parent | CLONE_INTO_CGROUP,
            .exit_signal = parent ? 0 : SIGCHLD,
            .cgroup = cgroup_fd,
        };
        pid = syscall(SYS_clone3, &args, sizeof args);
    } else {
        /* CLONE_NEWTIME shares its bit with the exit signal in clone(2); unshare makes
         * the namespace for the children instead, which is exactly the container. */
        if (flags & CLONE_NEWTIME) {
            CHECK(unshare(CLONE_NEWTIME));
            flags &= ~(uint64_t)CLONE_NEWTIME;
        }
        /* CLONE_PARENT makes the container a child of the host itself: the host
         * waits on it through a pidfd and stage-0 can leave at once. */
        pid = syscall(SYS_clone, (unsigned long)(flags | parent | SIGCHLD), NULL, NULL, NULL, NULL);
    }
    if (pid < 0) fail(errno);
    if (pid > 0) {
        send_msg(MSG_PID, (int)pid, 0, -1);
        if (!parent) monitor_child((pid_t)pid);
        _exit(0);
    }
}

static void op_unshare(struct cursor *c)
{
    CHECK(unshare((int)u64(c)));
}

static void op_wait_go(struct cursor *c)
{
    (void)c;
    char go;
    ssize_t n;
    while ((n = read(SYNC_FD, &go, 1)) < 0 && errno == EINTR)
        ;
    if (n < 0) fail(errno);
    if (n == 0) _exit(125); /* the host went away before saying go */
}

static void op_setns(struct cursor *c)
{
    int fd = (int)u32(c);
    int type = (int)u32(c);
    CHECK(setns(fd, type));
    close(fd);
}

static void op_propagation(struct cursor *c)
{
    unsigned long flags = (unsigned long)u64(c);
    CHECK(mount(NULL, "/", NULL, flags, NULL));
}

static void set_attr(int tree, uint64_t attr, int recursive)
{
    if (!attr) return;
    struct mount_attr_v0 a = { .attr_set = attr };
    CHECK(syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a));
}

/* Receives the fd the host passes after "go" (an idmapped rootfs tree). */
static int receive_fd(void)
{
    int32_t m[3];
    struct iovec iov = { m, sizeof m };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
    ssize_t n;
    while ((n = recvmsg(SYNC_FD, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL)) < 0 && errno == EINTR)
        ;
    if (n < 0) fail(errno);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (n != sizeof m || !c || c->cmsg_type != SCM_RIGHTS) fail(EBADMSG);
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void op_rootfs(struct cursor *c)
{
    const char *path = str(c);
    uint64_t attr = u64(c);
    int from_host = (int)u32(c);
    /* In a user namespace the host clones the tree (idmapped where the filesystem allows),
     * since mapping a mount needs privilege over the host's user namespace. */
    int tree = from_host ? receive_fd()
        : (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0) fail(errno);
    set_attr(tree, attr, 1);
    CHECK(syscall(SYS_move_mount, tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH));
    /* The tree fd stays the root: a mount stacked on "/" (host rootfs mode)
     * is not reachable by path until after pivot_root. */
    root_fd = tree;
}

/* Made read-only after the mounts, so their targets could still be created. */
static void op_readonly_root(struct cursor *c)
{
    (void)c;
    set_attr(root_fd, MOUNT_ATTR_RDONLY_, 0);
}

static void op_mount(struct cursor *c)
{
    const char *source = str(c);
    const char *target = str(c);
    const char *fstype = str(c);
    unsigned long flags = (unsigned long)u64(c);
    const char *data = str(c);
    int kind = (int)u32(c);
    int fd = ensure_in_root(target, kind);
    if (fd < 0) fail(errno);
    char p[64];
    fd_path(p, sizeof p, fd);
    CHECK(mount(source, p, fstype, flags, *data ? data : NULL));
    close(fd);
}

static void bind_tree(int tree, const char *target, int kind)
{
    int fd = ensure_in_root(target, kind);
    if (fd < 0) fail(errno);
    CHECK(syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
    close(fd);
    close(tree);
}

static void op_bind(struct cursor *c)
{
    const char *source = str(c);
    const char *target = str(c);
    int recursive = (int)u32(c);
    uint64_t attr = u64(c);
    int kind = (int)u32(c);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (tree < 0) fail(errno);
    set_attr(tree, attr, recursive);
    bind_tree(tree, target, kind);
}

static void op_mknod(struct cursor *c)
{
    const char *path = str(c);
    mode_t mode = (mode_t)u32(c);
    unsigned major_ = u32(c), minor_ = u32(c);
    const char *fallback = str(c);
    char copy[4096];
    const char *name;
    int parent = open_parent(path, copy, sizeof copy, &name);
    if (parent < 0) fail(errno);
    if (mknodat(parent, name, mode, makedev(major_, minor_)) == 0) {
        close(parent);
        return;
    }
    /* In a user namespace mknod is refused: bind the host's node instead. */
    if (errno != EPERM || !*fallback) fail(errno);
    close(parent);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, fallback, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) fail(errno);
    bind_tree(tree, path, TARGET_FILE);
}

static void op_symlink(struct cursor *c)
{
    const char *target = str(c);
    const char *path = str(c);
    char copy[4096];
    const char *name;
    int parent = open_parent(path, copy, sizeof copy, &name);
    if (parent < 0) fail(errno);
    CHECK(symlinkat(target, parent, name));
    close(parent);
}

/* Creates a directory (and its parents) inside the root when it is missing;
 * an existing one is left exactly as the image has it. */
static void op_mkdir(struct cursor *c)
{
    const char *path = str(c);
    int fd = ensure_in_root(path, TARGET_DIR);
    if (fd < 0) fail(errno);
    close(fd);
}

static void op_pivot_root(struct cursor *c)
{
    (void)c;
    CHECK(fchdir(root_fd));
    CHECK(syscall(SYS_pivot_root, ".", "."));
    /* The old root now sits under the new one at "."; make it a slave so the
     * detach cannot propagate to the host, then drop it. */
    CHECK(mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL));
    CHECK(umount2(".", MNT_DETACH));
    CHECK(chdir("/"));
    close(root_fd);
    root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) fail(errno);
}

/* Masked and read-only paths apply to what exists; a missing one is not created. */
static int open_existing(const char *path)
{
    int fd = open_in_root(path, 0);
    if (fd < 0 && errno != ENOENT) fail(errno);
    return fd;
}

/* A directory is hidden under an empty read-only tmpfs, anything else under /dev/null. */
static void op_mask_path(struct cursor *c)
{
    const char *path = str(c);
    int target = open_existing(path);
    if (target < 0) return;
    struct stat st;
    CHECK(fstat(target, &st));
    if (S_ISDIR(st.st_mode)) {
        char p[64];
        fd_path(p, sizeof p, target);
        CHECK(mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0"));
        close(target);
        return;
    }
    /* The source must really be the null device, or a container-planted /dev/null
     * could expose what it masks (CVE-2025-31133). */
    int null = open_in_root("/dev/null", 0);
    if (null < 0) fail(errno);
    CHECK(fstat(null, &st));
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) fail(ENODEV);
    int tree = (int)syscall(SYS_open_tree, null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree < 0) fail(errno);
    close(null);
    CHECK(syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
    close(tree);
    close(target);
}

static void op_readonly_path(struct cursor *c)
{
    const char *path = str(c);
    int target = open_existing(path);
    if (target < 0) return;
    int tree = (int)syscall(SYS_open_tree, target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0) fail(errno);
    set_attr(tree, MOUNT_ATTR_RDONLY_, 1);
    CHECK(syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
    close(tree);
    close(target);
}

static void op_hostname(struct cursor *c)
{
    const char *name = str(c);
    CHECK(sethostname(name, strlen(name)));
}

static void op_domainname(struct cursor *c)
{
    const char *name = str(c);
    CHECK(setdomainname(name, strlen(name)));
}

static void op_rlimit(struct cursor *c)
{
    int resource = (int)u32(c);
    struct rlimit r = { .rlim_cur = (rlim_t)u64(c), .rlim_max = (rlim_t)u64(c) };
    CHECK(setrlimit(resource, &r));
}

static void op_tty(struct cursor *c)
{
    int bind_console = (int)u32(c);
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) fail(errno);
    int unlock = 0;
    CHECK(ioctl(master, TIOCSPTLCK, &unlock));
    /* TIOCGPTPEER opens the peer without a path lookup in /dev/pts. */
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0) fail(errno);
    if (bind_console) {
        int tree = (int)syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0) fail(errno);
        bind_tree(tree, "/dev/console", TARGET_FILE);
    }
    send_msg(MSG_TTY, 0, 0, master);
    close(master);
    for (int i = 0; i < 3; i++) CHECK(dup2(slave, i));
    if (slave > 2) close(slave);
}

static void op_chdir(struct cursor *c)
{
    const char *path = str(c);
    CHECK(chdir(path));
    /* A working directory reached through a leaked host fd reads as
     * "(unreachable)..." (CVE-2024-21626): refuse it. */
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') fail(ENOTDIR);
}

static void op_credentials(struct cursor *c)
{
    uid_t uid = u32(c);
    gid_t gid = u32(c);
    uint32_t n = u32(c);
    if (n > 65536) fail(E2BIG);
    gid_t *groups = calloc(n ? n : 1, sizeof *groups);
    if (!groups) fail(ENOMEM);
    for (uint32_t i = 0; i < n; i++) groups[i] = u32(c);
    int keep_caps = (int)u32(c);
    CHECK(setgroups(n, groups));
    CHECK(setresgid(gid, gid, gid));
    /* Without KEEPCAPS, leaving uid 0 empties the permitted set, and the capset that
     * follows could not give the user the capabilities the plan says it keeps. */
    if (keep_caps) CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    CHECK(setresuid(uid, uid, uid));
    if (keep_caps) CHECK(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
    free(groups);
}

/* Done while still root with CAP_SETPCAP: drop every capability not kept from the bounding set. */
static void op_drop_bounding(struct cursor *c)
{
    uint64_t keep = u64(c);
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap)) continue;
        /* EINVAL: a capability this kernel does not have. */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail(errno);
    }
}

static void op_capset(struct cursor *c)
{
    uint64_t effective = u64(c), permitted = u64(c), inheritable = u64(c), ambient = u64(c);
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2] = {
        { (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
        { (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
    };
    CHECK(syscall(SYS_capset, &header, data));
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
    for (int cap = 0; cap < 64; cap++) {
        if ((ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) fail(errno);
    }
}

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* Landlock: the host decided the handled rights and the rules; stage-0 opens the paths
 * (inside the container, after pivot_root) and restricts itself and what it executes. */
static void op_landlock(struct cursor *c)
{
    uint64_t handled = u64(c);
    uint64_t file_rights = u64(c);
    uint32_t count = u32(c);
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &handled, sizeof handled, 0);
    if (ruleset < 0) fail(errno);
    for (uint32_t i = 0; i < count; i++) {
        const char *path = str(c);
        uint64_t access = u64(c);
        int fd = open(path, O_PATH | O_CLOEXEC);
        if (fd < 0) fail(errno);
        struct stat st;
        CHECK(fstat(fd, &st));
        /* A rule on a file may only carry the rights that apply to files. */
        if (!S_ISDIR(st.st_mode)) access &= file_rights;
        struct __attribute__((packed)) { uint64_t allowed_access; int32_t parent_fd; } beneath = { access & handled, fd };
        if (beneath.allowed_access && syscall(SYS_landlock_add_rule, ruleset, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &beneath, 0) < 0) fail(errno);
        close(fd);
    }
    CHECK(syscall(SYS_landlock_restrict_self, ruleset, 0));
    close(ruleset);
}

/* Writes an LSM attribute such as /proc/self/attr/apparmor/exec: the label the next execve takes. */
static void op_write_attr(struct cursor *c)
{
    const char *path = str(c);
    const char *value = str(c);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(errno);
    if (write(fd, value, strlen(value)) < 0) fail(errno);
    close(fd);
}

/* The filter was compiled by the host; stage-0 only loads its instructions. */
static void op_seccomp(struct cursor *c)
{
    uint32_t flags = u32(c);
    uint32_t count = u32(c);
    if (count == 0 || count > 65535 || (size_t)(c->end - c->p) < (size_t)count * sizeof(struct sock_filter)) fail(EBADMSG);
    struct sock_filter *code = malloc(count * sizeof *code);
    if (!code) fail(ENOMEM);
    memcpy(code, c->p, count * sizeof *code);
    c->p += count * sizeof *code;
    struct sock_fprog prog = { .len = (unsigned short)count, .filter = code };
    CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog));
    free(code);
}

static void op_no_new_privs(struct cursor *c)
{
    (void)c;
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
}

/* A new network namespace starts with "lo" down; programs expect 127.0.0.1 to work. */
static void op_loopback_up(struct cursor *c)
{
    (void)c;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) fail(errno);
    struct ifreq req;
    memset(&req, 0, sizeof req);
    strcpy(req.ifr_name, "lo");
    CHECK(ioctl(s, SIOCGIFFLAGS, &req));
    req.ifr_flags |= IFF_UP;
    CHECK(ioctl(s, SIOCSIFFLAGS, &req));
    close(s);
}

/* "0" moves the writer itself, one thread: cgroup v1 then skips the global threadgroup lock
 * (and the RCU grace period its first writer after a quiet spell waits for). */
static void op_join_cgroup(struct cursor *c)
{
    uint32_t count = u32(c);
    for (uint32_t i = 0; i < count; i++) {
        int fd = open(str(c), O_WRONLY | O_CLOEXEC);
        if (fd < 0) fail(errno);
        if (write(fd, "0", 1) != 1) fail(errno);
        close(fd);
    }
}

static void op_umask(struct cursor *c)
{
    umask((mode_t)u32(c));
}

static void exec_program(const char *path, char **argv, char **envp)
{
    if (strchr(path, '/')) {
        execve(path, argv, envp);
        fail(errno);
    }
    /* execvpe semantics, but over the container's PATH, not the host's. */
    const char *search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) search = *e + 5;
    int first = ENOENT;
    char full[4096];
    for (const char *p = search;; ) {
        const char *colon = strchrnul(p, ':');
        size_t len = (size_t)(colon - p);
        if (len == 0) len = 1, p = ".";
        if (len + strlen(path) + 2 < sizeof full) {
            memcpy(full, p, len);
            full[len] = '/';
            strcpy(full + len + 1, path);
            execve(full, argv, envp);
            if (errno != ENOENT && errno != ENOTDIR && first == ENOENT) first = errno;
        }
        if (!*colon) break;
        p = colon + 1;
    }
    fail(first);
}

static void become_program(int flags, const char *path, char **argv, char **envp)
{
    reset_signals();
    if ((flags & EXEC_SETSID) && setsid() < 0) fail(errno);
    if ((flags & EXEC_CTTY) && ioctl(0, TIOCSCTTY, 0) < 0) fail(errno);
    exec_program(path, argv, envp);
}

/* Init mode: stay PID 1, reap every child, forward signals to the program. */
static _Noreturn void run_init(int flags, const char *path, char **argv, char **envp)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    pid_t child = fork();
    if (child < 0) fail(errno);
    if (child == 0) become_program(flags, path, argv, envp);

    close(SYNC_FD); /* the program's exec, not ours, closes the last copy */
    prctl(PR_SET_NAME, "md-init", 0, 0, 0);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) {
            kill(child, sig);
            continue;
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (pid != child) continue;
            /* A PID-namespace init cannot kill itself with the same signal,
             * so death by signal becomes 128+n, as with tini and docker --init. */
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
}

static void op_exec(struct cursor *c)
{
    const char *path = str(c);
    char **argv = strlist(c);
    char **envp = strlist(c);
    int flags = (int)u32(c);

    if (flags & EXEC_PDEATHSIG) {
        /* Set after the last credential change, which would clear it. If the
         * host died before this point, its end of the sync socket is gone. */
        CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
        struct pollfd p = { .fd = SYNC_FD, .events = POLLRDHUP };
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP))) _exit(125);
    }
    /* Nothing of the host passes execve but stdio; the sync socket closes on
     * a successful exec, which is how the host learns of it. */
    CHECK(syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC));
    if (flags & EXEC_INIT) run_init(flags, path, argv, envp);
    become_program(flags, path, argv, envp);
}

/* ---- log monitor ------------------------------------------------------ */

/* The container's stdout and stderr go through pipes to a small process that stays on the
 * host side (it is forked before any namespace is entered) and writes them as Docker's
 * json-file driver does: one JSON object per line, with the stream and an RFC 3339 time,
 * rotating the file at a size. It is the host's child (CLONE_PARENT) and outlives the host
 * for a detached container; it ends when both pipes reach EOF, that is with the container. */

#define LOG_LINE_MAX 16384

struct log_file { const char *path; int fd; uint64_t size, max_size; uint32_t max_files; };

static void log_write_all(struct log_file *f, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(f->fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return; /* a full disk loses lines, not the container */
        buf += n, len -= (size_t)n, f->size += (uint64_t)n;
    }
}

static void log_rotate(struct log_file *f)
{
    char from[4200], to[4200];
    close(f->fd);
    for (uint32_t i = f->max_files - 1; i >= 1; i--) {
        snprintf(to, sizeof to, "%s.%u", f->path, i);
        if (i == 1) snprintf(from, sizeof from, "%s", f->path);
        else snprintf(from, sizeof from, "%s.%u", f->path, i - 1);
        rename(from, to);
    }
    if (f->max_files <= 1) truncate(f->path, 0);
    f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    f->size = 0;
}

/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t utf8_length(const unsigned char *p, size_t left)
{
    size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
    if (n == 0 || n > left) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    return n;
}

static void log_emit(struct log_file *f, const char *stream, const unsigned char *text, size_t len, int newline)
{
    static char out[LOG_LINE_MAX * 6 + 256];
    size_t o = 0;
    o += (size_t)snprintf(out, sizeof out, "{\"log\":\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = text[i];
        if (ch == '"' || ch == '\\') { out[o++] = '\\'; out[o++] = (char)ch; }
        else if (ch == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
        else if (ch == '\r') { out[o++] = '\\'; out[o++] = 'r'; }
        else if (ch == '\t') { out[o++] = '\\'; out[o++] = 't'; }
        else if (ch < 0x20 || ch == 0x7f) o += (size_t)snprintf(out + o, 7, "\\u%04x", ch);
        else if (ch < 0x80) out[o++] = (char)ch;
        else {
            size_t n = utf8_length(text + i, len - i);
            if (n == 0) { memcpy(out + o, "\\ufffd", 6); o += 6; }
            else { memcpy(out + o, text + i, n); o += n; i += n - 1; }
        }
    }
    if (newline) { out[o++] = '\\'; out[o++] = 'n'; }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    o += (size_t)snprintf(out + o, 128, "\",\"stream\":\"%s\",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\"}\n", stream,
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec);
    if (f->max_size && f->size > 0 && f->size + o > f->max_size) log_rotate(f);
    log_write_all(f, out, o);
}

/* Kills every process of a cgroup: at once with cgroup.kill (v2, 5.14+), else by its list,
 * again and again while a process forks. */
static void kill_cgroup(const char *directory)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/cgroup.kill", directory);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = write(fd, "1", 1);
        close(fd);
        if (n == 1) return;
    }
    snprintf(path, sizeof path, "%s/cgroup.procs", directory);
    for (int round = 0; round < 1000; round++) {
        FILE *procs = fopen(path, "re");
        if (!procs) return;
        int pid, found = 0;
        while (fscanf(procs, "%d", &pid) == 1) { kill(pid, SIGKILL); found = 1; }
        fclose(procs);
        if (!found) return;
        usleep(1000);
    }
}

/* host_fd: a pidfd of the host for a container tied to it (-1 otherwise). It becomes readable
 * when the host has exited, however it died (SIGKILL included): the monitor then kills the
 * container's cgroup, so nothing of the container outlives the host, not even processes that
 * escaped a parent-death signal (those of a container without a PID namespace). */
static _Noreturn void log_monitor(struct log_file *f, int host_fd, const char *cgroup)
{
    static unsigned char pending[2][LOG_LINE_MAX];
    size_t used[2] = { 0, 0 };
    const char *names[2] = { "stdout", "stderr" };
    struct pollfd fds[3] = { { .fd = 0, .events = POLLIN }, { .fd = 1, .events = POLLIN }, { .fd = host_fd, .events = POLLIN } };
    int open_streams = 2;
    f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (f->fd < 0) _exit(1);
    f->size = (uint64_t)lseek(f->fd, 0, SEEK_END);
    while (open_streams > 0) {
        if (poll(fds, 3, -1) < 0) { if (errno == EINTR) continue; _exit(1); }
        if (fds[2].fd >= 0 && fds[2].revents) {
            kill_cgroup(cgroup);
            close(fds[2].fd);
            fds[2].fd = -1; /* the pipes reach EOF as the processes die */
        }
        for (int s = 0; s < 2; s++) {
            if (fds[s].fd < 0 || !fds[s].revents) continue;
            ssize_t n = read(fds[s].fd, pending[s] + used[s], LOG_LINE_MAX - used[s]);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                if (used[s]) log_emit(f, names[s], pending[s], used[s], 0);
                used[s] = 0;
                close(fds[s].fd);
                fds[s].fd = -1;
                open_streams--;
                continue;
            }
            used[s] += (size_t)n;
            size_t start = 0;
            for (size_t i = 0; i < used[s]; i++) {
                if (pending[s][i] != '\n') continue;
                log_emit(f, names[s], pending[s] + start, i - start, 1);
                start = i + 1;
            }
            /* A line longer than the buffer is written in parts, as Docker does at 16 KiB. */
            if (start == 0 && used[s] == LOG_LINE_MAX) { log_emit(f, names[s], pending[s], used[s], 0); start = used[s]; }
            memmove(pending[s], pending[s] + start, used[s] - start);
            used[s] -= start;
        }
    }
    _exit(0);
}

static void op_log(struct cursor *c)
{
    static struct log_file f;
    static char path[4096], cgroup[4096];
    snprintf(path, sizeof path, "%s", str(c));
    f.path = path;
    f.max_size = u64(c);
    f.max_files = u32(c);
    if (f.max_files < 1) f.max_files = 1;
    snprintf(cgroup, sizeof cgroup, "%s", str(c));
    /* Opened now, while the host (our parent, waiting for us) surely lives. */
    int host_fd = -1;
    if (cgroup[0]) {
        host_fd = (int)syscall(SYS_pidfd_open, getppid(), 0);
        if (host_fd < 0) fail(errno);
    }
    int out[2], err[2];
    CHECK(pipe2(out, O_CLOEXEC));
    CHECK(pipe2(err, O_CLOEXEC));
    /* CLONE_PARENT: the host reaps the monitor (init does once the host is gone). */
    long pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, NULL);
    if (pid < 0) fail(errno);
    if (pid == 0) {
        /* Only the read ends stay: as fds 0 and 1. The sync socket must close here,
         * since the host takes its EOF to mean that the container's program runs. */
        if (dup2(out[0], 0) < 0 || dup2(err[0], 1) < 0) _exit(1);
        if (host_fd >= 0 && dup2(host_fd, 2) < 0) _exit(1);
        syscall(SYS_close_range, host_fd >= 0 ? 3 : 2, ~0U, 0);
        munmap(plan_buffer, plan_capacity);
        setsid();
        prctl(PR_SET_NAME, "md-log", 0, 0, 0);
        signal(SIGPIPE, SIG_IGN);
        log_monitor(&f, host_fd >= 0 ? 2 : -1, cgroup);
    }
    if (host_fd >= 0) close(host_fd);
    send_msg(MSG_LOGGER, (int)pid, 0, -1);
    close(out[0]);
    close(err[0]);
    CHECK(dup2(out[1], 1));
    CHECK(dup2(err[1], 2));
    close(out[1]);
    close(err[1]);
}

/* ---- main ------------------------------------------------------------- */

static uint8_t *read_plan(size_t *size)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) fail(ENOMEM);
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_PLAN) fail(EFBIG);
            buf = mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
            if (buf == MAP_FAILED) fail(ENOMEM);
            cap *= 2;
        }
        ssize_t r = read(PLAN_FD, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) fail(errno);
        if (r == 0) break;
        n += (size_t)r;
    }
    close(PLAN_FD);
    plan_buffer = buf;
    plan_capacity = cap;
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    int passed = argc > 1 ? atoi(argv[1]) : 5;
    if (passed < 5) passed = 5;
    /* Do not trust the host's fds to be close-on-exec. */
    syscall(SYS_close_range, (unsigned)passed, ~0U, 0);
    reset_signals();
    umask(0);

    size_t size;
    uint8_t *plan = read_plan(&size);
    struct cursor c = { plan, plan + size };
    if (u32(&c) != PLAN_MAGIC || u32(&c) != PLAN_VERSION) fail(EPROTO);
    uint32_t steps = u32(&c);

    for (step_index = 0; step_index < (int)steps; step_index++) {
        uint32_t op = u32(&c);
        uint32_t len = u32(&c);
        if ((size_t)(c.end - c.p) < len) fail(EBADMSG);
        struct cursor s = { c.p, c.p + len };
        c.p += len;
        switch (op) {
        case OP_CLONE: op_clone(&s); break;
        case OP_WAIT_GO: op_wait_go(&s); break;
        case OP_SETNS: op_setns(&s); break;
        case OP_PROPAGATION: op_propagation(&s); break;
        case OP_ROOTFS: op_rootfs(&s); break;
        case OP_MOUNT: op_mount(&s); break;
        case OP_BIND: op_bind(&s); break;
        case OP_MKNOD: op_mknod(&s); break;
        case OP_SYMLINK: op_symlink(&s); break;
        case OP_MKDIR: op_mkdir(&s); break;
        case OP_PIVOT_ROOT: op_pivot_root(&s); break;
        case OP_HOSTNAME: op_hostname(&s); break;
        case OP_DOMAINNAME: op_domainname(&s); break;
        case OP_RLIMIT: op_rlimit(&s); break;
        case OP_TTY: op_tty(&s); break;
        case OP_CHDIR: op_chdir(&s); break;
        case OP_CREDENTIALS: op_credentials(&s); break;
        case OP_NO_NEW_PRIVS: op_no_new_privs(&s); break;
        case OP_EXEC: op_exec(&s); break;
        case OP_UMASK: op_umask(&s); break;
        case OP_LOOPBACK_UP: op_loopback_up(&s); break;
        case OP_READONLY_ROOT: op_readonly_root(&s); break;
        case OP_MASK_PATH: op_mask_path(&s); break;
        case OP_READONLY_PATH: op_readonly_path(&s); break;
        case OP_UNSHARE: op_unshare(&s); break;
        case OP_DROP_BOUNDING: op_drop_bounding(&s); break;
        case OP_CAPSET: op_capset(&s); break;
        case OP_SECCOMP: op_seccomp(&s); break;
        case OP_LANDLOCK: op_landlock(&s); break;
        case OP_WRITE_ATTR: op_write_attr(&s); break;
        case OP_LOG: op_log(&s); break;
        case OP_MONITOR: op_monitor(&s); break;
        case OP_JOIN_CGROUP: op_join_cgroup(&s); break;
        default: fail(EOPNOTSUPP);
        }
    }
    fail(ENOEXEC); /* a plan must end in exec */
}
