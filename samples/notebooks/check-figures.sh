#!/usr/bin/env bash
# Checks that an executed PcaVsAutoencoder notebook's figures equal the compare command's at the same settings.
#   samples/notebooks/check-figures.sh EXECUTED_NOTEBOOK
# The notebook prints its figures as CSV lines (measure,features,dimension,classifier,value); compare writes the same
# lines to figures.csv. Runs compare with the notebook's settings (the embedded split, PCA and the dense autoencoder at
# k = 2, 8, 32, up to 20 epochs, batch 64, seed 1, SDCA) and compares line by line: every line of either must be in the
# other, accuracies equal, errors equal within a relative 1e-6 (the two sum the squared errors in another order; on
# the same machine they agree to about 1e-11). Exit 0 when they agree. Used by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
executed="${1:?usage: check-figures.sh EXECUTED_NOTEBOOK}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The CSV lines of the notebook's outputs (JSON strings such as "mse,PCA,2,,0.0468...\n").
# (Only lines whose dimension and value are numbers: the notebook's source holds the format string too.)
grep -oE '"(mse|accuracy),[^,"\\]+,[0-9]+,[A-Za-z]*,[-+0-9.eE]+' "$executed" | sed 's/^"//' | sort > "$work/notebook.csv"
[ -s "$work/notebook.csv" ] || { echo "no figures found in $executed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet run -c Release --project "$root/samples/Microsoft.ML.Autoencoder.Samples" -- compare --data "$root/samples/data/fashion-mnist" \
  --latent 2 8 32 --epochs 20 --seed 1 --methods pca dense --classifiers SdcaMaximumEntropy --training-sizes 0 \
  --output "$work/compare" < /dev/null > "$work/compare.log" 2>&1 \
  || { tail -30 "$work/compare.log"; echo "the compare command failed"; exit 1; }
grep -E '^(mse|accuracy),' "$work/compare/figures.csv" | sort > "$work/compare.csv"

awk -F, '
  NR == FNR { compare[$1 FS $2 FS $3 FS $4] = $5; next }
  {
    key = $1 FS $2 FS $3 FS $4; seen[key] = 1
    if (!(key in compare)) { print "only in the notebook: " $0; bad++; next }
    a = $5 + 0; b = compare[key] + 0; d = a - b; if (d < 0) d = -d
    m = (a < 0 ? -a : a); if (m == 0) m = 1
    if (($1 == "accuracy" && d > 0) || ($1 == "mse" && d / m > 1e-6)) { print "differs: " key ": notebook " $5 ", compare " compare[key]; bad++ }
    n++
  }
  END {
    for (key in compare) if (!(key in seen)) { print "only in compare: " key; bad++ }
    if (bad > 0) { print bad " of the figures disagree"; exit 1 }
    print "the notebook'"'"'s " n " figures equal the compare command'"'"'s"
  }' "$work/compare.csv" "$work/notebook.csv"
