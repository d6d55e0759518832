#ifndef BEEKRUN_CLUA_SHIM_H
#define BEEKRUN_CLUA_SHIM_H

// Lua 5.4 for Swift. Lua's API is full of function-like macros, which Swift cannot import:
// each one used by beekrun gets a `static inline` twin here.
//
// The one rule of this file: lua_error (a longjmp) is only ever called from C, in the
// trampolines below, after the Swift callback has returned. Swift never raises a Lua error.

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

// ---- Macro shims -----------------------------------------------------------------------

static inline int beek_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int beek_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void beek_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void beek_newtable(lua_State *L) { lua_newtable(L); }
static inline int beek_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline const char *beek_tolstring(lua_State *L, int i, size_t *len) { return lua_tolstring(L, i, len); }
static inline lua_Number beek_tonumber(lua_State *L, int i, int *isnum) { return lua_tonumberx(L, i, isnum); }
static inline lua_Integer beek_tointeger(lua_State *L, int i, int *isnum) { return lua_tointegerx(L, i, isnum); }
static inline int beek_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline void beek_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void *beek_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline void beek_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void beek_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline int beek_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name) {
    return luaL_loadbufferx(L, buf, len, name, "t"); // text only: precompiled chunks can crash the VM
}

// ---- Memory: a limit the runbook cannot exceed ----------------------------------------
// The allocator refuses to grow past `limit` only while Lua code runs. While a Swift
// callback runs (`in_host` > 0) it never fails, so an out-of-memory error can never be
// raised (longjmp'd) across Swift frames.

typedef struct beek_alloc_state {
    size_t used;
    size_t limit;      // 0 = no limit
    int in_host;       // > 0 while a Swift callback is on the stack
    int limit_hit;     // set when a request was refused, so the host can explain
    void *host;        // the Swift LuaHost that owns this state
    volatile int interrupted; // set from the SIGINT handler; checked by the count hook
} beek_alloc_state;

static inline void *beek_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    beek_alloc_state *st = (beek_alloc_state *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        st->used -= old;
        return NULL;
    }
    if (st->limit && st->in_host == 0 && nsize > old && st->used - old + nsize > st->limit) {
        st->limit_hit = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p) st->used = st->used - old + nsize;
    return p;
}

static inline lua_State *beek_newstate(beek_alloc_state *st) { return lua_newstate(beek_alloc, st); }

// ---- Interrupts: Ctrl-C stops a runaway loop ------------------------------------------
// A count hook checks a flag that the signal handler sets; the hook runs in Lua's own
// context, so raising there is safe. The flag lives in the state's own struct: a `static`
// variable in this header would exist once per object file that includes it.

static void beek_interrupt_hook(lua_State *L, lua_Debug *ar) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    beek_alloc_state *st = (beek_alloc_state *)ud;
    if (st && st->interrupted) {
        // The flag stays set: a pcall that catches this error meets it again at the next
        // count, so a loop cannot swallow Ctrl-C.
        // The hook's own `ar` describes the Lua function that was running.
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            luaL_error(L, "%s:%d: interrupted (Ctrl-C)", ar->short_src, ar->currentline);
        luaL_error(L, "interrupted (Ctrl-C)");
    }
}
static inline void beek_install_interrupt_hook(lua_State *L) {
    lua_sethook(L, beek_interrupt_hook, LUA_MASKCOUNT, 1000);
}

// ---- Trampolines: the only place Lua errors are raised ---------------------------------
// A Swift callback receives the Lua state and a context pointer. It returns the number of
// results it pushed, or -1 after pushing an error value, which the trampoline raises here,
// once every Swift frame has returned.

typedef int (*beek_swift_fn)(lua_State *L, void *context);

static inline beek_alloc_state *beek_alloc_state_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (beek_alloc_state *)ud;
}

static int beek_trampoline(lua_State *L) {
    beek_swift_fn fn = (beek_swift_fn)lua_touserdata(L, lua_upvalueindex(1));
    void *context = lua_touserdata(L, lua_upvalueindex(2));
    beek_alloc_state *st = beek_alloc_state_of(L);
    st->in_host++;
    int n = fn(L, context);
    st->in_host--;
    if (n < 0) return lua_error(L);
    return n;
}

/// Pushes a C closure that calls `fn(L, context)` through the trampoline.
static inline void beek_pushswiftfunction(lua_State *L, beek_swift_fn fn, void *context) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, beek_trampoline, 2);
}

/// The message handler used for every protected call: the error value plus a traceback,
/// as two values in a table {message, traceback} so the host can show either.
static int beek_message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    luaL_traceback(L, L, NULL, 1);
    lua_createtable(L, 2, 0);
    lua_pushstring(L, msg);
    lua_rawseti(L, -2, 1);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 2);
    return 1;
}
static inline void beek_pushmessagehandler(lua_State *L) { lua_pushcfunction(L, beek_message_handler); }

/// "chunk:line:" of the nearest Lua code on the call stack, starting at `level` (1 = the
/// caller of the running C function), or "" when there is none. Skips C frames such as
/// `pcall`, so `pcall(connect, {...})` still names the runbook line. Pushes nothing.
static inline void beek_where(lua_State *L, int level, char *buf, size_t size) {
    lua_Debug ar;
    buf[0] = 0;
    for (int l = level; lua_getstack(L, l, &ar); l++) {
        lua_getinfo(L, "Sl", &ar);
        // beekrun's own Lua (the prelude's require) is not the runbook line to name.
        if (ar.currentline > 0 && strcmp(ar.short_src, "beekrun-prelude") != 0) {
            snprintf(buf, size, "%s:%d:", ar.short_src, ar.currentline);
            return;
        }
    }
}

/// Opens the standard libraries a runbook may use. Everything else (io, os.execute,
/// package/require, debug, load*) never enters the state.
static inline void beek_open_sandboxed_libs(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 1); // trimmed to time/date/clock by the host
    lua_pop(L, 7);
}

#endif
