-- GET a list of paths (BENCH_FILE, one per line), each thread cycling through its share.
-- Also: one fixed request (BENCH_METHOD, BENCH_PATH, BENCH_BODY) when BENCH_FILE is unset.

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local requests, next_index = {}, 1

setup = common.setup
done = common.done

function init(args)
  local headers = common.auth_headers({ ["Content-Type"] = "application/json" })
  local file = os.getenv("BENCH_FILE")
  if file and file ~= "" then
    for _, path in ipairs(common.my_lines(file)) do
      table.insert(requests, wrk.format("GET", path, headers))
    end
  else
    local method = os.getenv("BENCH_METHOD") or "GET"
    local body = os.getenv("BENCH_BODY")
    if body == "" then body = nil end
    table.insert(requests, wrk.format(method, os.getenv("BENCH_PATH"), headers, body))
  end
  -- threads start at different points of their lists, so they do not march in step
  next_index = (common.thread_slot() * 7) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function response(status, headers, body)
  common.count(status, body)
end
