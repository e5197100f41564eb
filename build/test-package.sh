#!/usr/bin/env bash
# Packs the library into a temporary folder feed and uses it as a stranger would: a console project outside the
# repository (build/package-test/Program.cs) references the package and TorchSharp-cpu 0.107.0, restores from that feed
# plus the machine's usual feeds, builds (no extra step: the package's buildTransitive targets make TorchSharp's native
# library load on an older libstdc++), trains and saves a model, then loads it in a new process and checks its outputs;
# then builds it once more without the build-time fix and checks again, relying on the library's run-time fix.
# Exit 0 when all of it works. Used by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap '[ -n "${KEEP_PACKAGE_TEST:-}" ] || rm -rf "$work"' EXIT
feed="$work/feed"; consumer="$work/consumer"
mkdir -p "$feed" "$consumer"

dotnet pack "$repo/src/Microsoft.ML.Autoencoder" -c Release -o "$feed" --nologo -v quiet
package="$(basename "$(ls "$feed"/AutoencoderML.*.nupkg | grep -v '\.snupkg$' | head -n 1)" .nupkg)"
version="${package#AutoencoderML.}"
echo "Packed AutoencoderML $version"
# A package of this version from an earlier run may sit in the global cache with other contents: take this one.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/autoencoderml/$version"

cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="AutoencoderML" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
XML
cp "$repo/build/package-test/Program.cs" "$consumer/Program.cs"

dotnet build "$consumer" -c Release --nologo -v quiet -o "$consumer/out"
dotnet "$consumer/out/Consumer.dll" train "$work"
dotnet "$consumer/out/Consumer.dll" check "$work"

# The run-time fix alone (what a notebook's #r "nuget: ..." gets, where no build step runs): the same consumer built
# with the build-time fix off, its native library left as NuGet ships it. Where libstdc++ lacks the version it needs,
# the library must load a patched copy from its cache (here a folder of this test) and the check must still pass.
dotnet build "$consumer" -c Release --nologo -v quiet -o "$consumer/out-unpatched" -p:AutoencoderNativeFixEnabled=false
XDG_CACHE_HOME="$work/cache" AUTOENCODERML_NATIVE_TRACE=1 dotnet "$consumer/out-unpatched/Consumer.dll" check "$work" 2> "$work/native-trace.txt"
cat "$work/native-trace.txt"
if grep -q "lacks it" "$work/native-trace.txt"; then
  grep -q "loaded $work/cache/AutoencoderML/native/" "$work/native-trace.txt" \
    || { echo "the run-time native fix did not load its patched copy"; exit 1; }
elif ! grep -q "provides GLIBCXX" "$work/native-trace.txt"; then
  echo "the run-time native fix reported neither a patched copy nor a libstdc++ that needs none"; exit 1
fi
echo "Package test passed."
