-- wrk script for benchmarks/bench_exams.py --driver wrk (benchmarks/exams_wrk.py runs it).
-- Arguments after "--": FILE BATCH THREADS (THREADS: wrk -t). The mode and the pace come from the
-- environment, because wrk decides from the script alone, before init, whether delay() paces:
-- EXAM_WRK_MODE, and EXAM_WRK_RATE (requests a second, all threads together; unset or 0: each
-- connection sends its next request as soon as the last is answered). With a rate the k-th
-- request is sent at k / rate seconds whatever the answers to the earlier ones (open loop, as
-- long as a connection is free: give it enough connections).
--   "save": PUT /api/v1/public/exams/attempts/{id}/answers with BATCH answers a request,
--         round-robin over the attempts of FILE (one "id token items" line each; with several wrk
--         threads each takes every n-th line), each attempt's positions BATCH at a time in turn,
--         choosing option 0, and option 1 on the next pass over its positions, so that every save
--         changes the answers it carries.
--   "submit": POST …/attempts/{id}/submit once for every attempt of FILE, at EXAM_WRK_RATE (run
--         with a connection for each attempt); a connection that has sent its submission waits an
--         hour, and the run stops once all are answered (one thread: wrk -t 1), so wrk's
--         latencies are the submissions' own.
--   "health" (or unset): GET /health.
-- Every response is counted by status; done() prints one line "exam_wrk {json}" with the counts,
-- wrk's request count, duration, socket errors and latency percentiles (microseconds).

-- This script's folder on the module path, for wrk_common.lua beside it.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("wrk_common")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local mode = os.getenv("EXAM_WRK_MODE") or "health"
local rate = tonumber(os.getenv("EXAM_WRK_RATE") or "0")
local value, nthreads = 0, 1 -- value: BATCH
local attempts = {}
local cursor = 0
statuses = {}

function init(args)
  if mode ~= "health" then
    value, nthreads = tonumber(args[2]), tonumber(args[3])
    local line_no = 0
    for line in io.lines(args[1]) do
      if line_no % nthreads == index then
        local id, token, items = line:match("^(%d+) (%S+) (%d+)$")
        table.insert(attempts, { id = id, token = token, items = tonumber(items), next = 1, choice = 0 })
      end
      line_no = line_no + 1
    end
  end
  if mode == "save" then
    -- Threads start at different attempts so that they do not save the same attempt in step.
    cursor = index % math.max(#attempts, 1)
  end
end

local interval_ms, slots, started, answered = 0, 0, nil, 0

if rate > 0 then
  local now_ms = common.now_ms

  function delay()
    if started == nil then
      started = now_ms()
      interval_ms = 1000 * nthreads / rate
    end
    if mode == "submit" and slots == #attempts then
      return 3600000
    end
    slots = slots + 1
    return math.max(0, started + (slots - 1) * interval_ms - now_ms())
  end
end

function request()
  if mode == "submit" then
    if started == nil then -- wrk checks the script's request once before any connection: send none
      return wrk.format("POST", "/api/v1/public/exams/attempts/0/submit")
    end
    cursor = cursor + 1
    local a = attempts[cursor]
    local path = "/api/v1/public/exams/attempts/" .. a.id .. "/submit"
    return wrk.format("POST", path, { ["X-Exam-Token"] = a.token })
  end
  if mode ~= "save" then
    return wrk.format("GET", "/health")
  end
  cursor = cursor % #attempts + 1
  local a = attempts[cursor]
  local parts = {}
  local last = math.min(a.items, a.next + value - 1)
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
  if mode == "submit" then
    answered = answered + 1
    if answered == #attempts then
      common.stop_run() -- every submission answered: end wrk's run
    end
  end
end

function done(summary, latency, _)
  io.write(string.format(
    'exam_wrk {%s,"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d}}\n',
    common.counts_json(threads, summary), latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max
  ))
end
