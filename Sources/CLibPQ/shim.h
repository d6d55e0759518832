#ifndef BEEKRUN_CLIBPQ_SHIM_H
#define BEEKRUN_CLIBPQ_SHIM_H
// libpq for Swift. libpq-fe.h imports cleanly; this header exists so the module map has
// one place to grow if a macro ever needs a shim.
#include <libpq-fe.h>
#endif
