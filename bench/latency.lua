-- Drive one benchmark scenario: cycle through its requests, count the answers
-- that have the expected status, keep intake receipts, report JSON on one line.
-- Usage: wrk -s latency.lua URL -- REQUESTS.lua EXPECTED_STATUS [RECEIPTS_PREFIX]
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
  requests = {}
  for i, r in ipairs(spec) do
    requests[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  index = (id * 7919) % #requests
  matched, mismatched = 0, 0
  if args[3] ~= nil and args[3] ~= "" then
    receipts = io.open(args[3] .. "." .. id, "w")
    receipts:setvbuf("line")
  end
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status == expected then
    matched = matched + 1
    if receipts then
      local r = string.match(body, '"receipt"%s*:%s*"([^"]+)"')
      if r then receipts:write(r, "\n") end
    end
  else
    mismatched = mismatched + 1
  end
end

function done(summary, latency, requests)
  local m, x = 0, 0
  for _, t in ipairs(threads) do
    m = m + t:get("matched")
    x = x + t:get("mismatched")
  end
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "matched": %d, ' ..
    '"mismatched": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, m, x, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
