-- wrk script of `make bench`: the session cookie from BENCH_COOKIE, the paths from BENCH_PATHS
-- (comma-separated, taken in turn), and a count per status code, printed as one JSON line.
local cookie = os.getenv("BENCH_COOKIE") or ""
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "[^,]+") do
  table.insert(paths, p)
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local counter = 0
statuses = {}

function init(args)
  statuses = {}
  counter = math.random(#paths) - 1
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], {["Cookie"] = cookie})
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, table.concat(parts, ", ")))
end
