#!/usr/bin/env sh
# Splits the heart-disease table (edge-client's dataset preset) into one CSV per hospital, the
# header first, so each demo edge-client container can be pointed at only its own site's rows.
# Same output as HeartDisease.writeSiteCsv (checked by DockerImagesTest).
# Usage: split-heart-sites.sh TABLE.csv OUT_DIR
set -eu
table="$1"
out="$2"
mkdir -p "$out"
awk -F, -v out="$out" '
  NR == 1 { header = $0; for (i = 1; i <= NF; i++) if ($i == "site") col = i; next }
  { file = out "/" $col ".csv"
    if (!(file in seen)) { print header > file; seen[file] = 1 }
    print > file }
' "$table"
