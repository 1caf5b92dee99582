-- Drive one benchmark scenario: cycle through its requests, count the answers
-- that have the expected status, keep intake receipts, report JSON on one line.
-- Usage: wrk -s latency.lua URL -- REQUESTS.lua EXPECTED_STATUS RECEIPTS_PREFIX|'' [once THREADS]
-- "once": every request is sent at most once (the threads split the list between them);
-- a thread stops when its share is answered, and the rate is taken from its own clock.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now_us()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

local threads = {}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("id", started)
  table.insert(threads, thread)
end

function init(args)
  local spec = dofile(args[1])
  expected = tonumber(args[2])
  once = args[4] == "once"
  nthreads = tonumber(args[5]) or 1
  requests = {}
  for i, r in ipairs(spec) do
    requests[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  if once then
    -- This thread's share: every nthreads-th request starting at its id.
    local share = {}
    for i = id, #requests, nthreads do share[#share + 1] = requests[i] end
    requests = share
    index = 0
  else
    index = (id * 7919) % #requests
  end
  matched, mismatched, answered, stopped = 0, 0, 0, 0
  first_us, last_us = 0, 0
  if args[3] ~= nil and args[3] ~= "" then
    receipts = io.open(args[3] .. "." .. id, "w")
    receipts:setvbuf("line")
  end
end

function request()
  if first_us == 0 then first_us = now_us() end
  if once then
    -- Past the end of the share (answers still in flight), repeat the last one; it is not counted.
    index = math.min(index + 1, #requests)
  else
    index = index % #requests + 1
  end
  return requests[index]
end

function response(status, headers, body)
  last_us = now_us()
  answered = answered + 1
  if once and answered > #requests then return end
  if status == expected then
    matched = matched + 1
    if receipts then
      local r = string.match(body, '"receipt"%s*:%s*"([^"]+)"')
      if r then receipts:write(r, "\n") end
    end
  else
    mismatched = mismatched + 1
  end
  if once and answered >= #requests then
    stopped = 1
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local m, x, s, first, last = 0, 0, 0, nil, 0
  for _, t in ipairs(threads) do
    m = m + t:get("matched")
    x = x + t:get("mismatched")
    s = s + t:get("stopped")
    local f = t:get("first_us")
    if f > 0 and (first == nil or f < first) then first = f end
    last = math.max(last, t:get("last_us"))
  end
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "matched": %d, ' ..
    '"mismatched": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "stopped": %d, ' ..
    '"clock_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, m, x, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), s, last - (first or last)))
end
