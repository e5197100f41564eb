#!/usr/bin/env bash
# Packs the library into a temporary folder feed and uses it as a stranger would: a console project outside the
# repository (build/package-test/Program.cs) references the package and TorchSharp-cpu 0.107.0, restores from that feed
# plus the machine's usual feeds, builds (no extra step: the package's buildTransitive targets make TorchSharp's native
# library load on an older libstdc++), trains and saves a model, then loads it in a new process and checks its outputs.
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
echo "Package test passed."
