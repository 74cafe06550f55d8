/* islet: the user namespace of rootless mode
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* One line of /proc/<pid>/uid_map: ids [inside, inside+count) in the new
 * namespace are ids [outside, outside+count) in ours. */
typedef struct {
  unsigned long inside;
  unsigned long outside;
  unsigned long count;
} id_range;

typedef struct {
  id_range *ranges;
  size_t n_ranges;
} id_map;

/* Parses "INSIDE OUTSIDE COUNT [INSIDE OUTSIDE COUNT...]" (any whitespace) into
 * map; NULL text gives the single-id map "0 <self> 1". Dies with a usage error
 * naming option on malformed text. */
void parse_id_map (const char *option, const char *text, unsigned long self, id_map *map);

/* Runs in the launcher, after clone(CLONE_NEWUSER) and before init is
 * released: writes init's uid and gid maps, directly for a single-id map of
 * our own ids, through newuidmap/newgidmap otherwise. On failure kills init
 * and dies with the step, path, errno and a hint. */
void write_id_maps (pid_t init_pid, const id_map *uid_map, const id_map *gid_map);
