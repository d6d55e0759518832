extension LuaHost {
    /// Lua source run once before the runbook: trims the standard library to the sandbox
    /// and locks the globals. Kept in Lua because it is Lua's own business and raising
    /// errors from Lua code is always safe.
    static let prelude = #"""
    -- Nothing that reads files, runs programs or loads code, except runbook modules through
    -- require(), which the host finds inside the project and which load as text only.
    local load, find_module = load, rawget(_G, "require")
    rawset(_G, "dofile", nil)
    rawset(_G, "loadfile", nil)
    rawset(_G, "load", nil)
    rawset(_G, "require", nil)
    if find_module then
      local loaded, loading = {}, {}
      rawset(_G, "require", function(name)
        -- The host half raises every refusal (a bad name, a cycle, no such module), so the
        -- message names the runbook line, even when require is called through pcall.
        if type(name) == "string" and loaded[name] ~= nil then return loaded[name] end
        local source, where = find_module(name, type(name) == "string" and loading[name] == true)
        local chunk, message = load(source, "@" .. where, "t", _G) -- "t": never bytecode
        if not chunk then error(message, 0) end -- a syntax error names the module's file and line
        loading[name] = true
        local ok, result = pcall(chunk, name, where)
        loading[name] = nil
        if not ok then error(result, 0) end
        if result == nil then result = true end
        loaded[name] = result
        return result
      end)
    end
    string.dump = nil
    local time, date, clock = os.time, os.date, os.clock
    rawset(_G, "os", { time = time, date = date, clock = clock })

    local sandboxed = { io = true, debug = true, package = true, dofile = true, loadfile = true,
      load = true, loadstring = true }

    local known = {}
    for name in pairs(_G) do known[#known + 1] = name end

    local function distance(a, b)
      local previous = {}
      local twoBack = {}
      for j = 0, #b do previous[j] = j end
      for i = 1, #a do
        local current = { [0] = i }
        for j = 1, #b do
          local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
          current[j] = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
          if i > 1 and j > 1 and a:sub(i, i) == b:sub(j - 1, j - 1) and a:sub(i - 1, i - 1) == b:sub(j, j) then
            current[j] = math.min(current[j], twoBack[j - 2] + 1) -- a swap of neighbours is one typo
          end
        end
        twoBack, previous = previous, current
      end
      return previous[#b]
    end

    local function suggestion(name)
      if type(name) ~= "string" then return "" end
      local best, bestDistance = nil, math.max(1, #name // 3) + 1 -- same rule as Spelling.closest
      for _, candidate in ipairs(known) do
        local d = distance(name:lower(), candidate:lower())
        if d < bestDistance then best, bestDistance = candidate, d end
      end
      return best and (" (did you mean '" .. best .. "'?)") or ""
    end

    setmetatable(_G, {
      __newindex = function(_, name)
        error(("assignment to undeclared global '%s': declare it with 'local %s = ...'")
          :format(tostring(name), tostring(name)), 2)
      end,
      __index = function(_, name)
        if sandboxed[name] then
          error(("'%s' is not available in runbooks: they run in a sandbox without file, process or "
            .. "code-loading access; use the primitives (env, query, backup …) instead"):format(name), 2)
        end
        error(("unknown global '%s'%s"):format(tostring(name), suggestion(name)), 2)
      end,
      __metatable = "the global table is locked",
    })
    """#
}
