-- wrk script for benchmarks/bench_exams.py --driver wrk (benchmarks/exams_wrk.py runs it).
-- Arguments after "--": MODE FILE BATCH THREADS (THREADS: wrk -t)
--   MODE  "save": PUT /api/v1/public/exams/attempts/{id}/answers with BATCH answers a request,
--         round-robin over the attempts of FILE (one "id token items" line each; with several wrk
--         threads each takes every n-th line), each attempt's positions BATCH at a time in turn,
--         choosing option 0, and option 1 on the next pass over its positions, so that every save
--         changes the answers it carries.
--         "health": GET /health.
-- Every response is counted by status; done() prints one line "exam_wrk {json}" with the counts,
-- wrk's request count, duration, socket errors and latency percentiles (microseconds).

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local mode, batch = "health", 5
local attempts = {}
local cursor = 0
statuses = {}

function init(args)
  mode = args[1] or "health"
  if mode == "save" then
    batch = tonumber(args[3])
    local nthreads = tonumber(args[4])
    local line_no = 0
    for line in io.lines(args[2]) do
      if line_no % nthreads == index then
        local id, token, items = line:match("^(%d+) (%S+) (%d+)$")
        table.insert(attempts, { id = id, token = token, items = tonumber(items), next = 1, choice = 0 })
      end
      line_no = line_no + 1
    end
    -- Threads start at different attempts so that they do not save the same attempt in step.
    cursor = index % math.max(#attempts, 1)
  end
end

function request()
  if mode ~= "save" then
    return wrk.format("GET", "/health")
  end
  cursor = cursor % #attempts + 1
  local a = attempts[cursor]
  local parts = {}
  local last = math.min(a.items, a.next + batch - 1)
  for p = a.next, last do
    table.insert(parts, string.format('"%d":[%d]', p, a.choice))
  end
  a.next = last % a.items + 1
  if a.next == 1 then
    a.choice = 1 - a.choice
  end
  local body = '{"answers":{' .. table.concat(parts, ",") .. "}}"
  local headers = { ["Content-Type"] = "application/json", ["X-Exam-Token"] = a.token }
  return wrk.format("PUT", "/api/v1/public/exams/attempts/" .. a.id .. "/answers", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local by_status = {}
  for status, n in pairs(counts) do
    table.insert(by_status, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'exam_wrk {"statuses":{%s},"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,'
      .. '"write":%d,"timeout":%d},"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d}}\n',
    table.concat(by_status, ","), summary.requests, summary.duration, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
