-- POST /api/v4/orders/:id/finalize (completed: binding now) on pre-created two-phase orders,
-- one id per request from BENCH_FILE (the runner writes a fresh slice of ids per run).

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local ids, next_index, headers, body = {}, 1, nil, nil

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers({ ["Content-Type"] = "application/json" })
  body = os.getenv("BENCH_BODY")
  ids = common.my_lines(os.getenv("BENCH_FILE"))
end

function request()
  -- Past the end of the list the ids repeat and answer 422 (already finalized): the runner
  -- sizes the list so that this does not happen, and the status counts would show it.
  local id = ids[next_index]
  next_index = next_index % #ids + 1
  return wrk.format("POST", "/api/v4/orders/" .. id .. "/finalize", headers, body)
end

function response(status, headers, body)
  common.count(status, body)
end
