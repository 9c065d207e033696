#!/usr/bin/env bash
# Regenerates protocol/messages.gen.js (+ .d.ts) from protocol/*.proto with protobufjs static
# code. The generated files are checked in; run `npm run proto:gen` after editing a .proto.
set -euo pipefail
cd "$(dirname "$0")/.."

out=protocol/messages.gen
# No create/verify/convert/delimited: loopnet only encodes and decodes, and protocol/ does its own
# validation. --force-number: 64-bit fields are typed as number (protocol/ converts any Long the
# reader returns and rejects values beyond Number.MAX_SAFE_INTEGER).
npx pbjs -t static-module -w es6 --no-create --no-verify --no-convert --no-delimited \
  --no-typeurl --force-number -o "$out.js" protocol/record.proto protocol/fetch.proto protocol/sync.proto protocol/claim.proto
npx pbts -o "$out.d.ts" "$out.js"
echo "wrote $out.js $out.d.ts"
