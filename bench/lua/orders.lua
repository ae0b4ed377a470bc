-- POST /api/v4/orders, one place per order, each request on the next (ticket, slot) of
-- BENCH_FILE ("ticket_id<TAB>time<TAB>price_cents" per line, shuffled by the runner), so that
-- consecutive orders land on different quota-slot rows. BENCH_OFFSET skips the lines earlier runs used.

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local slots, next_index, headers = {}, 1, nil

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers({ ["Content-Type"] = "application/json" })
  for _, line in ipairs(common.my_lines(os.getenv("BENCH_FILE"))) do
    local ticket, moment, price = line:match("^(%d+)\t([^\t]+)\t(%d+)$")
    table.insert(slots, { ticket, moment, price })
  end
  local _, n = common.thread_slot()
  next_index = math.floor(tonumber(os.getenv("BENCH_OFFSET") or "0") / n) % #slots + 1
end

function request()
  local s = slots[next_index]
  next_index = next_index % #slots + 1
  local body = string.format(
    '{"items":[{"type":"Ticket","attributes":{"id":%s,"quantity":1,"time":"%s"}}],"total":%s}',
    s[1], s[2], s[3])
  return wrk.format("POST", "/api/v4/orders", headers, body)
end

function response(status, headers, body)
  common.count(status, body)
end
