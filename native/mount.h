/* islet: building the container's root filesystem
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  MOUNT_OP_OVERLAY,
  MOUNT_OP_BIND_RO,
  MOUNT_OP_BIND_RW,
  MOUNT_OP_TMPFS,
  MOUNT_OP_SYMLINK,
} mount_op_type;

typedef struct {
  mount_op_type type;
  const char *target;     /* absolute container path, no ".." components */
  const char *lowerdirs;  /* MOUNT_OP_OVERLAY only: escaped, host-root-relative */
  const char *link;       /* MOUNT_OP_SYMLINK only: the symlink's content */
} mount_op;

/* Runs in the container's init, inside its fresh mount namespace. Builds the
 * new root from ops (in order), adds /proc, /sys and /dev, and pivots into
 * it. On return the host tree is no longer reachable and the cwd is "/".
 * scratch_size is the tmpfs size= value, or NULL for the kernel default.
 * layers (escaped, host-root-relative, topmost first, or NULL) are stacked
 * over every overlay op at the same path. in_userns says init runs in a user
 * namespace of its own (rootless mode): overlays then keep their metadata in
 * user.* xattrs ("userxattr") and errors explain what an ordinary user lacks. */
void setup_rootfs (const mount_op *ops, size_t n_ops, const char *scratch_size,
                   const char *layers, bool in_userns);
