-- Reservation create + delete: POST /api/v4/tickets/reservations on the next slot of BENCH_FILE;
-- every created reservation's token is queued and the next request of the thread deletes it.
-- With many connections per thread, creates and deletes interleave: each reservation is
-- deleted once, by whichever connection is free next.

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local slots, next_index, headers = {}, 1, nil
local tokens, first, last = {}, 1, 0

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers({ ["Content-Type"] = "application/json" })
  for _, line in ipairs(common.my_lines(os.getenv("BENCH_FILE"))) do
    local ticket, moment = line:match("^(%d+)\t([^\t]+)\t")
    table.insert(slots, { ticket, moment })
  end
  local _, n = common.thread_slot()
  next_index = math.floor(tonumber(os.getenv("BENCH_OFFSET") or "0") / n) % #slots + 1
end

function request()
  if first <= last then
    local token = tokens[first]
    tokens[first] = nil
    first = first + 1
    return wrk.format("DELETE", "/api/v4/tickets/reservations/" .. token, headers)
  end
  local s = slots[next_index]
  next_index = next_index % #slots + 1
  local body = string.format(
    '{"reservation":{"ticket_id":%s,"quantity":1,"start_at":"%s"}}', s[1], s[2])
  return wrk.format("POST", "/api/v4/tickets/reservations", headers, body)
end

function response(status, headers, body)
  common.count(status, body)
  if status == 200 then
    local token = body:match('"token":"([^"]+)"')
    if token then
      last = last + 1
      tokens[last] = token
    end
  end
end
