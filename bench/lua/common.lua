-- Shared by every scenario script: per-thread status counts, data files, and a done() hook that
-- prints one JSON line ("BENCH_JSON {...}") for bench/run.py.
--
-- wrk runs setup() and done() in the main Lua state but init/request/response in one state per
-- thread, so response() counts land in per-thread globals; done() collects them through the
-- thread objects that setup() kept (thread:get copies a table across states).

local M = {}
local threads = {}

statuses = {}
-- A few bodies of non-2xx answers per status, to say what went wrong. Flat ("422#1" -> body):
-- wrk's thread:get cannot copy nested tables ("invalid key to 'next'").
samples = {}
local sampled = {}

function M.setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- The thread's 0-based index and the thread count (wrk does not tell init() how many there are).
function M.thread_slot()
  return tid or 0, tonumber(os.getenv("BENCH_THREADS") or "1")
end

function M.count(status, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and body then
    local n = (sampled[status] or 0) + 1
    if n <= 3 then
      sampled[status] = n
      samples[tostring(status) .. "#" .. n] = body:sub(1, 300)
    end
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Lines of a file that belong to this thread: line i goes to thread (i - 1) % n.
function M.my_lines(path)
  local mine, n = M.thread_slot()
  local lines, i = {}, 0
  for line in io.lines(path) do
    if i % n == mine and line ~= "" then
      table.insert(lines, line)
    end
    i = i + 1
  end
  return lines
end

function M.auth_headers(extra)
  local headers = {}
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  for k, v in pairs(extra or {}) do
    headers[k] = v
  end
  return headers
end

local function json_object(entries)
  local parts = {}
  for k, v in pairs(entries) do
    table.insert(parts, string.format('"%s":%s', k, v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function M.done(summary, latency, requests)
  local codes = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do
      local key = '"' .. tostring(code) .. '"'
      codes[key] = (codes[key] or 0) + n
    end
  end
  local status_parts = {}
  for k, v in pairs(codes) do
    table.insert(status_parts, k .. ":" .. v)
  end
  local sample_parts, seen = {}, {}
  for _, thread in ipairs(threads) do
    for key, body in pairs(thread:get("samples") or {}) do
      local code = key:match("^(%d+)#")
      if (seen[code] or 0) < 3 then
        seen[code] = (seen[code] or 0) + 1
        table.insert(sample_parts, json_string(code .. " " .. body))
      end
    end
  end
  local e = summary.errors
  local out = json_object({
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    errors = json_object({
      connect = e.connect, read = e.read, write = e.write, status = e.status, timeout = e.timeout,
    }),
    latency_us = json_object({
      p50 = latency:percentile(50), p90 = latency:percentile(90),
      p99 = latency:percentile(99), p999 = latency:percentile(99.9),
      max = latency.max, mean = string.format("%.1f", latency.mean),
    }),
    statuses = "{" .. table.concat(status_parts, ",") .. "}",
    samples = "[" .. table.concat(sample_parts, ",") .. "]",
  })
  io.write("BENCH_JSON " .. out .. "\n")
end

return M
