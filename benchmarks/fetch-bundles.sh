#!/usr/bin/env bash
# Fetches the real front-end bundles the auth scanner benchmark reads (SecretScannerBenchmark):
# react-dom 18.3.1's production build, from the npm registry, into benchmarks/downloads/
# (gitignored, never committed). Idempotent: does nothing when the bundle is already there.
# Needs npm and tar. Run from anywhere: benchmarks/fetch-bundles.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
downloads="${here}/downloads"
version="18.3.1"
target="${downloads}/react-dom-${version}"
bundle="${target}/package/umd/react-dom.production.min.js"

if [[ -f "${bundle}" ]]; then
  echo "already fetched: ${bundle}"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed to fetch react-dom@${version}" >&2; exit 1; }
mkdir -p "${downloads}"
work="$(mktemp -d "${downloads}/.fetch.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

(cd "${work}" && npm pack "react-dom@${version}" --silent >/dev/null)
tarball="$(ls "${work}"/react-dom-"${version}".tgz)"
mkdir -p "${work}/extract"
tar -xzf "${tarball}" -C "${work}/extract"
rm -rf "${target}"
mv "${work}/extract" "${target}"

if [[ ! -f "${bundle}" ]]; then
  echo "react-dom@${version} has no ${bundle#"${target}/"}" >&2
  exit 1
fi
echo "fetched: ${bundle} ($(wc -c <"${bundle}") bytes)"
