-- Refresh-token rotation: every response hands back the next token of its session, which the
-- next request spends. BENCH_TOKENS_FILE holds one refresh token per line: at least one per
-- connection, so a connection always finds a token when it is ready to send, plus spares,
-- because wrk also calls request() once to check the script and never sends that request.
local tokens = {}
local path = os.getenv("BENCH_REFRESH_PATH") or "/api/v1/auth/refresh"

function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
end

function request()
  local token = table.remove(tokens) or "exhausted"
  return wrk.format("POST", path, {["Content-Type"] = "application/json"},
                    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then tokens[#tokens + 1] = token end
end
