-- Entry: turnstiles check barcodes (GET /api/v3/barcodes/:code) and admit them
-- (PUT /api/v3/barcodes/:code), one check per admit. Barcodes come from BENCH_FILE and each is
-- used once: odd requests check a fresh barcode, even ones admit another fresh one. (Checking
-- and then admitting the same barcode cannot be chained here: wrk does not say which connection
-- an answer belongs to, so an admit could overtake its own check on another connection and the
-- check would rightly answer "already used".)

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local codes, sent, headers = {}, 0, nil

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers()
  codes = common.my_lines(os.getenv("BENCH_FILE"))
end

function request()
  sent = sent + 1
  local code = codes[(sent - 1) % #codes + 1]
  if sent % 2 == 1 then
    return wrk.format("GET", "/api/v3/barcodes/" .. code, headers)
  end
  return wrk.format("PUT", "/api/v3/barcodes/" .. code, headers)
end

response = common.count
