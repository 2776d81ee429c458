#!/usr/bin/env bash
# Makes the README's example 调解书: a whole on-site mediation through the CLI on a fresh store,
# rendered by the core (docs/mediation-example.html) and printed to PNG by headless Chromium
# (docs/mediation-example.png). Needs: cargo, python3, chromium, fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p redshield
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rs() { target/debug/redshield --store "$work/store" --json "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

rs init --officer-name 李明 --officer-id HN-12315-0042 >/dev/null
case_id=$(rs case open --kind complaint --complainant-name 王芳 --complainant-phone 13812345678 \
  --complainant-address "长沙市天心区书院路 9 号" --respondent-name "长沙市某某超市有限公司" \
  --respondent-address "长沙市芙蓉区五一大道 1 号" --goods 纯牛奶 --amount 59.80 --quantity 2 \
  --facts "2026年11月28日在该超市购买纯牛奶两盒，回家后发现已过保质期。" \
  --demand refund --demand compensation --demands-text "退货退款，并按规定赔偿" | field "['id']")
rs case accept "$case_id" >/dev/null
doc=$(rs mediation start "$case_id" --mode on_site --consumer-consents --merchant-consents \
  --notice-method oral --place "长沙市芙蓉区五一大道 1 号超市门前（流动维权车）" \
  --officer 张伟:HN-12315-0077 --consumer 王芳 --merchant 赵强:店长 \
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
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=900,1160 --screenshot="$PWD/docs/mediation-example.png" \
  "file://$PWD/docs/mediation-example.html" 2>/dev/null
ls -l docs/mediation-example.html docs/mediation-example.png
