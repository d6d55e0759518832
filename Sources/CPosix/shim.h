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
/// Children start with a clean signal state: nothing blocked, every signal at its default.
/// Without it they inherit the mask of the spawning thread (Dispatch blocks signals in its
/// threads), and a shell waiting for its own child would never see SIGCHLD.
#include <signal.h>
static inline void beek_spawnattr_clean_signals(posix_spawnattr_t *attributes, short extraFlags) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(attributes, &none);
    posix_spawnattr_setsigdefault(attributes, &all);
    posix_spawnattr_setflags(attributes, (short)(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | extraFlags));
}
#endif
