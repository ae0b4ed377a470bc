-- Entry: a turnstile checks a barcode (GET /api/v3/barcodes/:code) and then admits it
-- (PUT /api/v3/barcodes/:code). Barcodes come from BENCH_FILE, one fresh barcode per pair;
-- each accepted check releases the admit of the oldest checked barcode (admits follow checks
-- in order, so a barcode is normally admitted only after its own check was answered).

package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local codes, next_check, next_admit, checked, headers = {}, 1, 1, 0, nil

setup = common.setup
done = common.done

function init(args)
  headers = common.auth_headers()
  codes = common.my_lines(os.getenv("BENCH_FILE"))
end

function request()
  if next_admit <= checked then
    local code = codes[(next_admit - 1) % #codes + 1]
    next_admit = next_admit + 1
    return wrk.format("PUT", "/api/v3/barcodes/" .. code, headers)
  end
  local code = codes[(next_check - 1) % #codes + 1]
  next_check = next_check + 1
  return wrk.format("GET", "/api/v3/barcodes/" .. code, headers)
end

function response(status, headers, body)
  common.count(status, body)
  -- only an accepted check releases an admit; a refused one (never expected) just drops its pair
  if status == 200 and body:find('"message":"valid', 1, true) then
    checked = checked + 1
  end
end
