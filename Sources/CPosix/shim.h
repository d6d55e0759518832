#ifndef BEEKRUN_CPOSIX_SHIM_H
#define BEEKRUN_CPOSIX_SHIM_H
// glibc calls that Swift's Glibc module hides behind _GNU_SOURCE. They are declared here
// by hand: defining _GNU_SOURCE would change system structs and clash with other modules.
#include <fcntl.h>
#include <spawn.h>

extern int pipe2(int fds[2], int flags);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *dir);

/// pipe2(O_CLOEXEC): no child spawned by another thread can inherit the pipe.
static inline int beek_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static inline int beek_spawn_chdir(posix_spawn_file_actions_t *actions, const char *dir) {
    return posix_spawn_file_actions_addchdir_np(actions, dir);
}
#endif
