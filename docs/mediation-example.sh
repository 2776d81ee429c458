#!/usr/bin/env bash
# Makes the README's example 调解书: a whole on-site mediation through the CLI on a fresh store
# enrolled with a centre that published its agency and gave the device a block of numbers,
# rendered by the core (docs/mediation-example.html) and printed to PNG by headless Chromium
# (docs/mediation-example.png); and the two notices (docs/notice-declined.png,
# docs/notice-ended.png). Needs: cargo, python3, chromium, fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p redshield
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
target/debug/redshield serve --data "$work/centre" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
centre_pid=$!
trap 'kill $centre_pid 2>/dev/null; rm -rf "$work"' EXIT
rs() { target/debug/redshield --store "$work/store" --json "$@"; }
staff() { target/debug/redshield --json centre "$@" --server "http://127.0.0.1:$port" --data "$work/centre"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
for _ in $(seq 50); do [ -f "$work/centre/admin.token" ] && break; sleep 0.2; done
sleep 0.5

rs init --officer-name 李明 --officer-id HN-12315-0042 >/dev/null
code=$(staff enrol-code | field "['code']")
device=$(rs enrol --server "http://127.0.0.1:$port" --code "$code" | field "['device_id']")
cat > "$work/agency.json" <<'JSON'
{"name": "长沙市芙蓉区市场监督管理局", "numbering": "芙市监消调〔{year}〕{n}号"}
JSON
staff agency "$work/agency.json" >/dev/null
staff numbers --device "$device" --year "$(TZ=Asia/Shanghai date +%Y)" --first 17 --last 60 >/dev/null
rs sync >/dev/null
case_id=$(rs case open --kind complaint --complainant-name 王芳 --complainant-phone 13812345678 \
  --complainant-address "长沙市天心区书院路 9 号" --respondent-name "长沙市某某超市有限公司" \
  --respondent-address "长沙市芙蓉区五一大道 1 号" --goods 纯牛奶 --amount 59.80 --quantity 2 \
  --facts "2026年11月28日在该超市购买纯牛奶两盒，回家后发现已过保质期。" \
  --demand refund --demand compensation --demands-text "退货退款，并按规定赔偿" | field "['id']")
rs case accept "$case_id" >/dev/null
doc=$(rs mediation start "$case_id" --mode on_site --consumer-consents --merchant-consents \
  --notice-method oral --place "长沙市芙蓉区五一大道 1 号超市门前（流动维权车）" \
  --officer 张伟:HN-12315-0077 --consumer 王芳 --merchant 赵强:店长 \
  --merchant-authority power_of_attorney \
  --lat 28.19420 --lon 112.98230 --accuracy 6 | field "['id']")
rs mediation note "$doc" --speaker 2 --kind demand "退还两盒牛奶的货款，并按食品安全法赔偿。" >/dev/null
rs mediation note "$doc" --speaker 3 --kind response "承认货架管理疏漏，同意退款并赔偿。" >/dev/null
cat > "$work/terms.json" <<'JSON'
[
  {"kind": "refund", "by": "merchant", "what": "退还两盒纯牛奶货款", "amount_fen": 5980, "performed_on_the_spot": true},
  {"kind": "compensation", "by": "merchant", "what": "按《食品安全法》第一百四十八条赔偿", "amount_fen": 100000, "due_on": "2026-12-05"},
  {"kind": "apology", "by": "merchant", "what": "当面向投诉人赔礼道歉", "performed_on_the_spot": true}
]
JSON
rs mediation agree "$doc" --terms "$work/terms.json" >/dev/null
# A hand-like signature per signer: a few strokes of a wavering pen, 60 Hz samples.
for who in 0 1 2 3; do
  python3 - "$who" > "$work/sig$who.json" <<'PY'
import json, math, sys
who = int(sys.argv[1])
strokes, t = [], 0
for s in range(3 + who % 2):
    points = []
    for i in range(40):
        a = i / 39 * math.pi * (1.5 + 0.3 * s)
        x = 60 * s + 50 * math.sin(a + who) + i * 1.2
        y = 40 * math.cos(a * (1 + 0.2 * who)) * (1 - 0.3 * s) + 8 * math.sin(i * 0.7)
        points.append({"x": round(x, 2), "y": round(y, 2), "t_ms": t})
        t += 16
    strokes.append(points)
    t += 120
print(json.dumps(strokes))
PY
  rs mediation sign "$doc" --participant "$who" --strokes "$work/sig$who.json" >/dev/null
done
rs mediation conclude "$doc" --lat 28.19425 --lon 112.98228 --accuracy 5 >/dev/null
rs mediation render "$doc" --format html --copy consumer --out docs/mediation-example.html >/dev/null

# The notices: a complaint declined, and a mediation ended without agreement.
declined=$(rs case open --kind complaint --complainant-name 陈静 --complainant-phone 0731-84561234 \
  --complainant-address "长沙市雨花区劳动路 8 号" --respondent-name "长沙市某某电器商行" \
  --respondent-address "长沙市雨花区劳动路 10 号" --goods 电饭煲 \
  --facts "2026年11月20日购买电饭煲一台，用于本店餐饮经营，第三天不能加热。" --demand replace | field "['id']")
rs case decline "$declined" --reason not_consumer_dispute --note "所购电饭煲用于餐饮经营，非生活消费" >/dev/null
rs case notice "$declined" --kind declined --format html --out "$work/declined.html" >/dev/null
ended=$(rs case open --kind complaint --complainant-name 刘洋 --complainant-phone 13912345678 \
  --complainant-address "长沙市开福区湘江中路 2 号" --respondent-name "长沙市某某健身有限公司" \
  --respondent-address "长沙市开福区湘江中路 6 号" --goods 健身年卡 --amount 2888 \
  --facts "办理年卡后门店停业，要求退还剩余卡费。" --demand refund | field "['id']")
rs case accept "$ended" >/dev/null
remote=$(rs mediation start "$ended" --mode phone --consumer-consents --merchant-consents \
  --consumer 刘洋 --merchant 周敏:店长 | field "['id']")
rs mediation end "$remote" --reason no_agreement_possible --note "被投诉人只同意延期，不同意退费" >/dev/null
rs case notice "$ended" --kind mediation_ended --format html --out "$work/ended.html" >/dev/null

shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$work/chromium" --window-size=900,"$3" --screenshot="$PWD/$2" "file://$1" 2>/dev/null
}
shot "$PWD/docs/mediation-example.html" docs/mediation-example.png 1160
shot "$work/declined.html" docs/notice-declined.png 1000
shot "$work/ended.html" docs/notice-ended.png 1000
ls -l docs/mediation-example.html docs/*.png
