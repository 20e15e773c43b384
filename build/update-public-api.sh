#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to PROJECT/PublicAPI.Unshipped.txt.
# Usage: build/update-public-api.sh Cma.Abstractions
set -euo pipefail
project=${1:?usage: $0 PROJECT_DIR}
out=$(dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
file="$project/PublicAPI.Unshipped.txt"
grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" <<<"$out" | sort -u >>"$file" || true
{ head -n1 "$file"; tail -n +2 "$file" | sort -u; } >"$file.tmp" && mv "$file.tmp" "$file"
echo "$(($(wc -l <"$file") - 1)) symbols in $file"
