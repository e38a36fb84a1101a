-- wrk script for benchmarks/bench_load.py --driver wrk: single POST /api/v1/warnings requests
-- at a fixed rate, open loop. Arguments after "--": FILE THREADS (THREADS: wrk -t). FILE holds one
-- JSON body a line (each with its own source_id); with several wrk threads each takes every n-th
-- line. The key and the pace come from the environment: LOAD_WRK_KEY (the intake API key) and
-- LOAD_WRK_RATE (requests a second, all threads together).
-- The k-th request of a thread is due at k * THREADS / RATE seconds from its start whatever the
-- answers to the earlier ones (give wrk enough connections); its latency is measured from that due
-- instant to its answer (found by the source_id the answer carries), so a server that falls behind
-- shows it as queueing, not as a lower rate. A thread that has sent all its lines sends no more.
-- Every response is counted by status; done() prints one line "load_wrk {json}" with the counts,
-- wrk's request count, duration, socket errors and the percentiles of due -> answered (microseconds),
-- with the p99 of each minute of due instants (a tail that grows with the tables shows there).

-- This script's folder on the module path, for wrk_common.lua beside it.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("wrk_common")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local now_ms = common.now_ms

local rate = tonumber(os.getenv("LOAD_WRK_RATE") or "0")
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. (os.getenv("LOAD_WRK_KEY") or ""),
}
local bodies, sent, slots = {}, 0, 0
local started, interval_ms = nil, 0
local due = {} -- source_id -> due instant (ms)
statuses, samples, minutes = {}, {}, {}

function init(args)
  local nthreads = tonumber(args[2])
  interval_ms = 1000 * nthreads / rate
  local line_no = 0
  for line in io.lines(args[1]) do
    if line_no % nthreads == index then
      table.insert(bodies, line)
    end
    line_no = line_no + 1
  end
end

function delay()
  local now = now_ms()
  if started == nil then
    started = now
  end
  if slots >= #bodies then
    return 3600000
  end
  slots = slots + 1
  return math.max(0, started + (slots - 1) * interval_ms - now)
end

function request()
  if started == nil then -- wrk checks the script's request once before any connection: send none
    return wrk.format("POST", "/api/v1/warnings", headers, "{}")
  end
  if sent == #bodies then -- a reconnect (the server stopped) asks again: probe, store nothing
    return wrk.format("GET", "/health")
  end
  sent = sent + 1
  local body = bodies[sent]
  due[body:match('"source_id"%s*:%s*"([^"]*)"')] = started + (sent - 1) * interval_ms
  return wrk.format("POST", "/api/v1/warnings", headers, body)
end

function response(status, _, body)
  statuses[status] = (statuses[status] or 0) + 1
  local id = body and body:match('"source_id"%s*:%s*"([^"]*)"')
  if id and due[id] then
    table.insert(samples, now_ms() - due[id])
    table.insert(minutes, math.floor((due[id] - started) / 60000))
    due[id] = nil
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then
    return -1
  end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

-- "[p99 of minute 0, p99 of minute 1, …]" in microseconds, by each request's due minute.
local function p99_by_minute(by_minute)
  local out = {}
  for minute = 0, #by_minute do
    local values = by_minute[minute] or {}
    table.sort(values)
    table.insert(out, string.format("%d", 1000 * percentile(values, 99)))
  end
  return "[" .. table.concat(out, ",") .. "]"
end

function done(summary, _, _)
  local all, by_minute = {}, {}
  for _, thread in ipairs(threads) do
    local of_minute = thread:get("minutes")
    for i, ms in ipairs(thread:get("samples")) do
      table.insert(all, ms)
      local minute = of_minute[i]
      by_minute[minute] = by_minute[minute] or {}
      table.insert(by_minute[minute], ms)
    end
  end
  table.sort(all)
  io.write(string.format(
    'load_wrk {%s,"samples":%d,"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d},"p99_by_minute_us":%s}\n',
    common.counts_json(threads, summary), #all, 1000 * percentile(all, 50), 1000 * percentile(all, 95),
    1000 * percentile(all, 99), 1000 * percentile(all, 100), p99_by_minute(by_minute)
  ))
end
