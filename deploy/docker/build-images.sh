#!/usr/bin/env bash
# Builds the launcher and the four Cohort images: cohort/{coordinator,billing,edge-client,provision}.
# Usage: deploy/docker/build-images.sh [TAG]   (default tag 0.1.0)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-0.1.0}"
"$root/mvnw" -q -f "$root/pom.xml" -DskipTests -pl deploy -am package
for target in coordinator billing edge-client provision; do
  docker build -f "$root/deploy/docker/Dockerfile" --target "$target" -t "cohort/$target:$tag" "$root"
done
