-- What the wrk scripts share (benchmarks/load_warnings.lua, benchmarks/exam_answers.lua): a
-- monotonic clock, a way to end wrk's run early, and the report's counts (statuses across all
-- threads, wrk's request count and duration, socket errors) as the JSON fields that
-- benchmarks/exams_wrk.read_run reads. Each script loads it with wrk_common.load().

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
  int clock_gettime(int clock, wrk_timespec *now);
  int getpid(void);
  int kill(int pid, int signal);
]])

local M = {}
local clock = ffi.new("wrk_timespec")

function M.now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

-- wrk's main thread sleeps for -d whatever the threads do; SIGINT ends the run, as ^C does.
function M.stop_run()
  ffi.C.kill(ffi.C.getpid(), 2)
end

-- '"statuses":{…},"requests":…,"duration_us":…,"errors":{…}' for done()'s report line.
function M.counts_json(threads, summary)
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
  return string.format(
    '"statuses":{%s},"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}',
    table.concat(by_status, ","), summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout
  )
end

return M
