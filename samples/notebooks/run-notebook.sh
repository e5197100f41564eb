#!/usr/bin/env bash
# Executes a notebook of this folder headless, the way CI does, and fails when any cell fails.
#   samples/notebooks/run-notebook.sh [NOTEBOOK] [OUTPUT]
# NOTEBOOK defaults to PcaVsAutoencoder.ipynb; OUTPUT (the executed copy, with outputs) to a temporary file.
# The notebooks install the library as a user does (#r "nuget: AutoencoderML, <version>"): this packs it first into the
# folder feed artifacts/notebook-feed, which the notebooks' first cell names, and drops that version from the NuGet
# global cache so the fresh package is the one installed. Restores the local tools (dotnet-repl, pinned in
# dotnet-tools.json at the repository root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
notebook="${1:-PcaVsAutoencoder.ipynb}"
output="${2:-$(mktemp --suffix=.ipynb)}"
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
feed="$root/artifacts/notebook-feed"
rm -rf "$feed"
dotnet pack "$root/src/Microsoft.ML.Autoencoder" -c Release -o "$feed" -v quiet -nologo < /dev/null
package="$(basename "$(ls "$feed"/AutoencoderML.*.nupkg | grep -v '\.snupkg$' | head -n 1)" .nupkg)"
version="${package#AutoencoderML.}"
grep -qF "nuget: AutoencoderML, $version\\\"" "$here/$notebook" \
  || { echo "$notebook does not install AutoencoderML $version (the version the build packs): update its #r line"; exit 1; }
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/autoencoderml/$version"
(cd "$root" && dotnet tool restore < /dev/null)

# Relative paths in the notebook (the feed, the data, #load) resolve against the working directory: run from its folder.
cd "$here"
run() {
  local started=$(date +%s)
  status=0
  timeout 1200 dotnet repl --run "$notebook" --exit-after-run --output-path "$output" < /dev/null > "$output.log" 2>&1 || status=$?
  echo "dotnet repl: exit code $status after $(( $(date +%s) - started )) s; executed notebook: $output"
  # dotnet repl exits non-zero when a cell fails; also look for error outputs in the executed copy.
  errors=$(grep -c '"output_type": "error"' "$output" 2>/dev/null || true)
}
run

# TorchSharp 0.107 can free a temporary Scalar (its finalizer) while libtorch still reads it: Adam's step then fails
# with libtorch's "Expected false to be true ... toDouble at .../c10/core/Scalar.h". That failure is intermittent and
# not the notebook's; retry once, saying so, and only for it.
if { [ "$status" -ne 0 ] || [ "${errors:-0}" -ne 0 ]; } && grep -q 'c10/core/Scalar.h' "$output" 2>/dev/null; then
  echo "notebook $notebook hit TorchSharp's intermittent Scalar-lifetime failure in Adam's step; running it once more."
  run
fi
if [ "$status" -ne 0 ] || [ "${errors:-0}" -ne 0 ] || [ ! -s "$output" ]; then
  echo "notebook $notebook FAILED ($errors failing cells). dotnet repl's log:"
  tail -50 "$output.log"
  grep -A3 '"output_type": "error"' "$output" 2>/dev/null | head -40 || true
  exit 1
fi
echo "notebook $notebook: every cell ran"
