/* islet: building the container's root filesystem
 * SPDX-License-Identifier: MIT
 *
 * Layout while building (everything below lives in the container's own
 * mount namespace, so the kernel tears it all down when the namespace dies):
 *
 *   /            the scratch tmpfs (was mounted on the host's /tmp)
 *   /oldroot     the host's whole mount tree, moved here by pivot_root
 *   /newroot     the container's future root
 *   /upper/<i>   overlay upper dir of the i-th mount op
 *   /work/<i>    overlay work dir of the i-th mount op
 *   /tmpfs/<i>   the fresh directory behind the i-th --tmpfs op
 *   /layers      the read-only stack of --layers, when given
 */
#define _GNU_SOURCE

#include "mount.h"
#include "utils.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define SCRATCH_MOUNT_POINT "/tmp"
#define OLDROOT "/oldroot"
#define NEWROOT "/newroot"
#define LAYERS "/layers"
#define LAYERS_FLOOR "/layers-floor"

static bool have_layers;
/* Rootless mode: init runs in a user namespace of its own. */
static bool in_userns;

/* overlayfs keeps whiteouts and opaque dirs in trusted.* xattrs, which only
 * the host's root may set; in a user namespace (Linux 5.11+) it must use
 * user.* xattrs instead. */
#define OVERLAY_USERNS_OPTION ",userxattr"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

/* Mirrors struct mount_attr from <linux/mount.h>, which clashes with
 * <sys/mount.h> on some glibc versions. */
struct islet_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static const char * const dev_nodes[] = {
  "null", "zero", "full", "random", "urandom", "tty",
};

/* The one place where a mount(2) errno is turned into advice. Some of these
 * errnos are misleading on their own: overlayfs reports overlapping layers
 * as ELOOP, "Too many levels of symbolic links". */
static const char *
mount_errno_hint (const char *fstype, int err)
{
  bool overlay = fstype != NULL && strcmp (fstype, "overlay") == 0;

  switch (err)
    {
    case ELOOP:
      if (overlay)
        return "overlay directories may not overlap: no lower layer may contain "
               "another layer, the upper or the work directory";
      return NULL;

    case ENOENT:
    case ENOTDIR:
      if (overlay)
        return "every lowerdir must exist on the host; paths are relative to the host's /";
      return "the source path must exist on the host";

    case EINVAL:
      if (overlay)
        return "lowerdir must be colon-separated, topmost first, with \\ : and , "
               "escaped by a backslash; the kernel log (dmesg) names the rejected option";
      return NULL;

    case ENODEV:
      return "the kernel does not support this filesystem type (modprobe it?)";

    case EPERM:
    case EACCES:
      if (in_userns && overlay)
        return "rootless mode: overlayfs in a user namespace needs Linux 5.11 or later, and every "
               "layer must be readable by your user";
      if (in_userns)
        return "rootless mode: the kernel lets a user namespace mount only some filesystems "
               "(tmpfs, proc, sysfs, devpts, overlay, binds) and only over paths your user can reach";
      return "the launcher needs CAP_SYS_ADMIN in the host's namespaces; run it as root";

    default:
      return NULL;
    }
}

#define die_mount(fstype, ...) do { \
    int die_mount_err = errno; \
    die_full (EXIT_SETUP_FAILED, die_mount_err, \
              mount_errno_hint ((fstype), die_mount_err), __VA_ARGS__); \
  } while (0)

/* Error messages name paths as the host and the container see them, not
 * our build-time /oldroot and /newroot. */
static const char *
shown_path (const char *path)
{
  static const char * const prefixes[] = { OLDROOT, NEWROOT };
  size_t i;

  for (i = 0; i < N_ELEMENTS (prefixes); i++)
    {
      size_t len = strlen (prefixes[i]);

      if (strncmp (path, prefixes[i], len) == 0 && (path[len] == '/' || path[len] == '\0'))
        return path[len] == '\0' ? "/" : path + len;
    }
  return path;
}

static int
do_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}

static void
ensure_dir (const char *path, mode_t mode)
{
  if (mkdir_p (path, mode) != 0)
    die_with_error ("mkdir -p %s", shown_path (path));
}

/* A bind mount needs a mount point of the same kind as its source. */
static void
ensure_mount_point (const char *dest, const char *source)
{
  struct stat st;
  cleanup_free char *parent = NULL;
  cleanup_fd int fd = -1;
  char *slash;

  if (source == NULL || stat (source, &st) != 0 || S_ISDIR (st.st_mode))
    {
      ensure_dir (dest, 0755);
      return;
    }

  parent = xstrdup (dest);
  slash = strrchr (parent, '/');
  if (slash != NULL && slash != parent)
    {
      *slash = '\0';
      ensure_dir (parent, 0755);
    }

  fd = (int) TEMP_FAILURE_RETRY (open (dest, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644));
  if (fd < 0)
    die_with_error ("create mount point %s", shown_path (dest));
}

static void
remount_ro (const char *path)
{
  static const struct { unsigned long st; unsigned long ms; } keep[] = {
    { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },
  };
  struct statvfs sv;
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  size_t i;

  if (statvfs (path, &sv) != 0)
    die_with_error ("statvfs %s", shown_path (path));

  /* A remount replaces all per-mount flags: keep nosuid & co. */
  for (i = 0; i < N_ELEMENTS (keep); i++)
    if (sv.f_flag & keep[i].st)
      flags |= keep[i].ms;

  if (mount (NULL, path, NULL, flags, NULL) != 0)
    die_mount (NULL, "remount %s read-only", shown_path (path));
}

/* Binds source (with the mounts below it) on dest; readonly makes every one
 * of those mounts read-only, not just the top one. */
static void
bind_mount (const char *source, const char *dest, bool readonly)
{
  struct islet_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  if (mount (source, dest, NULL, MS_BIND | MS_REC, NULL) != 0)
    die_mount (NULL, "bind %s%s on %s",
               strncmp (source, OLDROOT "/", strlen (OLDROOT) + 1) == 0 ? "host's " : "",
               shown_path (source), shown_path (dest));

  if (!readonly)
    return;

#ifdef SYS_mount_setattr
  if (syscall (SYS_mount_setattr, AT_FDCWD, dest, AT_RECURSIVE, &attr, sizeof attr) == 0)
    return;
  if (errno != ENOSYS)
    die_with_error ("make %s read-only (mount_setattr)", shown_path (dest));
#else
  (void) attr;
#endif

  /* Security rule: a read-only bind must not leave a writable mount below
   * it. Kernels before 5.12 cannot change a whole tree at once, so there we
   * bind only the top mount and leave the ones below it out of view. */
  if (umount2 (dest, MNT_DETACH) != 0)
    die_with_error ("umount %s", shown_path (dest));
  if (mount (source, dest, NULL, MS_BIND, NULL) != 0)
    die_mount (NULL, "bind %s%s on %s",
               strncmp (source, OLDROOT "/", strlen (OLDROOT) + 1) == 0 ? "host's " : "",
               shown_path (source), shown_path (dest));
  remount_ro (dest);
}

/* The first (topmost) path of an escaped lowerdir list, unescaped. */
static char *
first_lowerdir (const char *lowerdirs)
{
  char *res = xmalloc (strlen (lowerdirs) + 1);
  char *out = res;
  const char *p;

  for (p = lowerdirs; *p != '\0' && *p != ':'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      *out++ = *p;
    }
  *out = '\0';
  return res;
}

/* An overlay's root directory takes its owner and mode from the upper dir,
 * so a fresh upper dir would turn a user's 0775 project dir into root's
 * 0755. Copy them from the topmost layer instead. */
static void
copy_root_attributes (const char *lowerdirs, const char *upper)
{
  cleanup_free char *top = first_lowerdir (lowerdirs);
  struct stat st;

  if (stat (top, &st) != 0)
    return;   /* the mount itself reports the missing layer */
  /* In a user namespace an owner that has no id inside (the host's root,
   * under a single-id map) cannot be given away: the upper dir keeps ours. */
  if (chown (upper, st.st_uid, st.st_gid) != 0 && !(in_userns && (errno == EINVAL || errno == EPERM)))
    die_with_error ("chown %s", upper);
  if (chmod (upper, st.st_mode & 07777) != 0)
    die_with_error ("chmod %s", upper);
}

/* overlayfs splits options on ',' and lowerdir on ':', with '\\' as the
 * escape for both: a path holding any of them must be escaped. */
static char *
escape_overlay_path (const char *path)
{
  char *res = xmalloc (strlen (path) * 2 + 1);
  char *out = res;

  for (; *path != '\0'; path++)
    {
      if (*path == '\\' || *path == ',' || *path == ':')
        *out++ = '\\';
      *out++ = *path;
    }
  *out = '\0';
  return res;
}

/* The layers' own copy of op->target (when they have one) goes above the
 * host's. */
static char *
lowerdirs_with_layers (const mount_op *op)
{
  cleanup_free char *in_layers = NULL;
  cleanup_free char *escaped = NULL;
  struct stat st;

  if (!have_layers)
    return xstrdup (op->lowerdirs);
  in_layers = xasprintf (LAYERS "%s", strcmp (op->target, "/") == 0 ? "" : op->target);
  if (stat (in_layers, &st) != 0 || !S_ISDIR (st.st_mode))
    return xstrdup (op->lowerdirs);
  escaped = escape_overlay_path (in_layers);
  return xasprintf ("%s:%s", escaped, op->lowerdirs);
}

/* overlayfs refuses a lower layer that sits inside another one of the same
 * filesystem (it walks each layer's ancestors looking for the others and
 * fails with ELOOP). Layers kept on the host's disk always sit inside the
 * host's root, so they are first stacked into an overlay of their own: a
 * separate superblock, read-only, that the per-mount overlays then use as
 * one lower layer. The empty floor keeps the two-lowerdir minimum that a
 * read-only overlay needs. */
static void
mount_layers (const char *layers)
{
  cleanup_free char *options = NULL;

  ensure_dir (LAYERS, 0755);
  ensure_dir (LAYERS_FLOOR, 0755);
  options = xasprintf ("lowerdir=%s:" LAYERS_FLOOR "%s", layers, in_userns ? OVERLAY_USERNS_OPTION : "");
  if (mount ("overlay", LAYERS, "overlay", MS_RDONLY, options) != 0)
    die_mount ("overlay", "mount the layer stack (lowerdir=%s)", layers);
  have_layers = true;
}

static void
mount_overlay (const mount_op *op, size_t index, const char *dest)
{
  cleanup_free char *lowerdirs = lowerdirs_with_layers (op);
  cleanup_free char *upper = xasprintf ("/upper/%zu", index);
  cleanup_free char *work = xasprintf ("/work/%zu", index);
  cleanup_free char *options = NULL;
  cleanup_free char *host_path = NULL;
  long page_size = sysconf (_SC_PAGESIZE);
  bool is_root = strcmp (op->target, "/") == 0;
  int len;
  int err;

  if (mkdir (upper, 0755) != 0)
    die_with_error ("mkdir %s", upper);
  if (mkdir (work, 0755) != 0)
    die_with_error ("mkdir %s", work);
  copy_root_attributes (lowerdirs, upper);

  /* mount(2) copies at most one page of options. upper and work are our
   * own paths, free of characters that would need escaping; lowerdirs
   * arrive escaped from the host. */
  options = xmalloc ((size_t) page_size);
  len = snprintf (options, (size_t) page_size, "lowerdir=%s,upperdir=%s,workdir=%s%s",
                  lowerdirs, upper, work, in_userns ? OVERLAY_USERNS_OPTION : "");
  if (len < 0 || len >= page_size)
    die_full (EXIT_SETUP_FAILED, 0, "use fewer or shorter layer paths",
              "overlay options for %s are %d bytes, more than the page size (%ld)",
              op->target, len, page_size);

  if (mount ("overlay", dest, "overlay", 0, options) == 0)
    return;

  if (is_root)
    die_mount ("overlay", "mount overlay on / (lowerdir=%s)", lowerdirs);

  /* Degrade rather than fail: the test still sees the host's files, it just
   * cannot write them. */
  err = errno;
  status_warning ("overlay on %s failed (lowerdir=%s): %s (%s); using a read-only bind of the host's %s",
                  op->target, lowerdirs, strerror (err), errno_name (err), op->target);
  host_path = xasprintf (OLDROOT "%s", op->target);
  bind_mount (host_path, dest, true);
}

static void
mount_fresh_dir (size_t index, const char *dest)
{
  cleanup_free char *dir = xasprintf ("/tmpfs/%zu", index);

  ensure_dir ("/tmpfs", 0755);
  if (mkdir (dir, 01777) != 0)
    die_with_error ("mkdir %s", dir);
  /* mkdir() applies the umask, and a sticky world-writable dir is the point. */
  if (chmod (dir, 01777) != 0)
    die_with_error ("chmod %s", dir);
  if (mount (dir, dest, NULL, MS_BIND, NULL) != 0)
    die_mount (NULL, "bind fresh directory on %s", dest);
}

/* Security rule: targets are host-chosen absolute paths without ".."
 * (checked when parsing options), so "/newroot" + target stays below the new
 * root lexically. Symlinks inside the host tree are followed; that tree is
 * the host's own and trusted, as is the user who asks for the mounts. */
static void
apply_mount_op (const mount_op *op, size_t index)
{
  cleanup_free char *dest = xasprintf (NEWROOT "%s", strcmp (op->target, "/") == 0 ? "" : op->target);
  cleanup_free char *host_path = xasprintf (OLDROOT "%s", op->target);

  switch (op->type)
    {
    case MOUNT_OP_OVERLAY:
      ensure_dir (dest, 0755);
      mount_overlay (op, index, dest);
      break;

    case MOUNT_OP_BIND_RO:
    case MOUNT_OP_BIND_RW:
      ensure_mount_point (dest, host_path);
      bind_mount (host_path, dest, op->type == MOUNT_OP_BIND_RO);
      break;

    case MOUNT_OP_TMPFS:
      ensure_dir (dest, 0755);
      mount_fresh_dir (index, dest);
      break;

    case MOUNT_OP_SYMLINK:
      {
        cleanup_free char *parent = xstrdup (dest);

        *strrchr (parent, '/') = '\0';
        ensure_dir (parent, 0755);
        /* The link resolves inside the container, like the host's own. */
        if (symlink (op->link, dest) != 0)
          die_with_error ("symlink %s -> %s", op->target, op->link);
      }
      break;

    default:
      die ("unknown mount op %d", (int) op->type);
    }
}

static void
setup_proc (void)
{
  static const char * const read_only[] = { "sys", "sysrq-trigger" };
  size_t i;

  ensure_dir (NEWROOT "/proc", 0755);
  if (mount ("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
    die_mount ("proc", "mount proc on /proc");

  /* Security rule: most sysctls and the sysrq trigger are not namespaced; a
   * write there changes the host's kernel for everyone. Read-only binds stop
   * tests doing that by accident. They do not stop a deliberate root, who
   * keeps CAP_SYS_ADMIN and can remount: islet isolates tests from each
   * other, it is not a boundary against a hostile root. */
  for (i = 0; i < N_ELEMENTS (read_only); i++)
    {
      cleanup_free char *path = xasprintf (NEWROOT "/proc/%s", read_only[i]);

      if (access (path, F_OK) != 0)
        continue;
      bind_mount (path, path, true);
    }
}

static void
setup_sys (void)
{
  int err;

  ensure_dir (NEWROOT "/sys", 0755);

  /* sysfs shows the network namespace of whoever mounts it: a fresh mount
   * made here lists only the container's own interfaces, a bind of the
   * host's /sys would list the host's. */
  if (mount ("sysfs", NEWROOT "/sys", "sysfs",
             MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
    return;

  err = errno;
  if (err != EPERM)
    die_mount ("sysfs", "mount sysfs on /sys");

  status_warning ("mount sysfs on /sys failed: %s (%s); using a read-only bind of the host's /sys, "
                  "which shows the host's network interfaces", strerror (err), errno_name (err));
  bind_mount (OLDROOT "/sys", NEWROOT "/sys", true);
}

static void
make_symlink (const char *target, const char *linkpath)
{
  if (symlink (target, linkpath) != 0)
    die_with_error ("symlink %s -> %s", linkpath, target);
}

/* A minimal /dev instead of the host's: no disks, no /dev/mem, no ttys of
 * other sessions, only what programs expect to find. */
static void
setup_dev (void)
{
  size_t i;

  ensure_dir (NEWROOT "/dev", 0755);
  if (mount ("tmpfs", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") != 0)
    die_mount ("tmpfs", "mount tmpfs on /dev");

  for (i = 0; i < N_ELEMENTS (dev_nodes); i++)
    {
      cleanup_free char *source = xasprintf (OLDROOT "/dev/%s", dev_nodes[i]);
      cleanup_free char *dest = xasprintf (NEWROOT "/dev/%s", dev_nodes[i]);

      if (access (source, F_OK) != 0)
        continue;
      ensure_mount_point (dest, source);
      if (mount (source, dest, NULL, MS_BIND, NULL) != 0)
        die_mount (NULL, "bind /dev/%s", dev_nodes[i]);
    }

  /* A new devpts instance: the container's ptys are its own, and it cannot
   * reach the host's terminals through /dev/pts. */
  ensure_dir (NEWROOT "/dev/pts", 0755);
  if (mount ("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=620") != 0)
    die_mount ("devpts", "mount devpts on /dev/pts");
  make_symlink ("pts/ptmx", NEWROOT "/dev/ptmx");

  ensure_dir (NEWROOT "/dev/shm", 0755);
  if (mount ("tmpfs", NEWROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
    die_mount ("tmpfs", "mount tmpfs on /dev/shm");

  make_symlink ("/proc/self/fd", NEWROOT "/dev/fd");
  make_symlink ("/proc/self/fd/0", NEWROOT "/dev/stdin");
  make_symlink ("/proc/self/fd/1", NEWROOT "/dev/stdout");
  make_symlink ("/proc/self/fd/2", NEWROOT "/dev/stderr");
}

void
setup_rootfs (const mount_op *ops, size_t n_ops, const char *scratch_size,
              const char *layers, bool userns)
{
  cleanup_free char *scratch_options = NULL;
  size_t i;

  in_userns = userns;

  /* Security rule: nothing we mount may propagate back to the host. Every
   * mount we inherited is made private (recursively) before we touch
   * anything, so our mounts and unmounts stay in this namespace. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    die_mount (NULL, "make / private (mount --make-rprivate /)");

  if (scratch_size != NULL)
    scratch_options = xasprintf ("mode=0755,size=%s", scratch_size);
  else
    scratch_options = xstrdup ("mode=0755");

  /* The scratch tmpfs holds the upper dirs, so every write a test makes is
   * charged to it (and to the container's memory cgroup), never to a host
   * disk. */
  if (mount ("tmpfs", SCRATCH_MOUNT_POINT, "tmpfs", MS_NOSUID | MS_NODEV, scratch_options) != 0)
    die_mount ("tmpfs", "mount scratch tmpfs on " SCRATCH_MOUNT_POINT " (%s)", scratch_options);

  if (chdir (SCRATCH_MOUNT_POINT) != 0)
    die_with_error ("chdir " SCRATCH_MOUNT_POINT);

  ensure_dir ("newroot", 0755);
  ensure_dir ("oldroot", 0755);
  ensure_dir ("upper", 0755);
  ensure_dir ("work", 0755);

  /* With the scratch as root and the whole host tree under /oldroot, every
   * host path is reachable while we build, and the host's /tmp (no longer
   * covered by the scratch) is visible under /oldroot/tmp. */
  if (do_pivot_root (".", "oldroot") != 0)
    die_with_error ("pivot_root into the scratch tmpfs");

  /* lowerdirs are relative to the host's root. */
  if (chdir (OLDROOT) != 0)
    die_with_error ("chdir " OLDROOT);

  if (layers != NULL)
    mount_layers (layers);

  /* pivot_root() needs the new root to be a mount point; an overlay of "/"
   * (always the first op when present) makes it one, otherwise bind it on
   * itself. */
  if (n_ops == 0 || strcmp (ops[0].target, "/") != 0)
    if (mount (NEWROOT, NEWROOT, NULL, MS_BIND, NULL) != 0)
      die_mount (NULL, "bind " NEWROOT " on itself");

  for (i = 0; i < n_ops; i++)
    apply_mount_op (&ops[i], i);

  setup_proc ();
  setup_sys ();
  setup_dev ();

  /* Security rule: after this the host tree and the scratch root are gone
   * from the container's view. What stays reachable is exactly what the ops
   * put into /newroot; the overlays keep their upper dirs alive by
   * themselves. */
  if (chdir (NEWROOT) != 0)
    die_with_error ("chdir " NEWROOT);
  if (do_pivot_root (".", ".") != 0)
    die_with_error ("pivot_root into the new root");
  if (umount2 (".", MNT_DETACH) != 0)
    die_with_error ("detach the old root");
  if (chdir ("/") != 0)
    die_with_error ("chdir /");
}
