-- POST /api/v4/orders with one Event item per order, each request on the next line of BENCH_FILE
-- ("date_id<TAB>seat_id<TAB>price_cents"; seat 0: one place of a date without a seating plan),
-- shuffled by the runner. BENCH_OFFSET skips the lines earlier runs used.

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local lines, next_index, headers = {}, 1, nil

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers({ ["Content-Type"] = "application/json" })
  for _, line in ipairs(common.my_lines(os.getenv("BENCH_FILE"))) do
    local date, seat, price = line:match("^(%d+)\t(%d+)\t(%d+)$")
    table.insert(lines, { date, seat, price })
  end
  local _, n = common.thread_slot()
  next_index = math.floor(tonumber(os.getenv("BENCH_OFFSET") or "0") / n) % #lines + 1
end

function request()
  local l = lines[next_index]
  next_index = next_index % #lines + 1
  local attributes
  if l[2] == "0" then
    attributes = string.format('{"id":%s,"quantity":1}', l[1])
  else
    attributes = string.format(
      '{"id":%s,"seats":[{"seat_id":%s,"scale_price_id":4901}]}', l[1], l[2])
  end
  local body = string.format(
    '{"items":[{"type":"Event","attributes":%s}],"total":%s}', attributes, l[3])
  return wrk.format("POST", "/api/v4/orders", headers, body)
end

function response(status, headers, body)
  common.count(status, body)
end
