#!/usr/bin/env bash
# Installs the real Prometheus and Alertmanager the end-to-end suite (npm run test:e2e) starts on
# 127.0.0.1, promtool (in Debian's prometheus) that checks deploy/'s alert rules, and kubectl
# (kubernetes-client, kustomize built in) that renders deploy/. They come from Debian; nothing is
# started here, and nothing is installed when the binaries are already on the PATH, so a second
# run takes no time.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "e2e-deps: ${missing[*]} missing and installing needs root; run this script as root or install sudo" >&2
    exit 1
  fi
  echo "== installing ${missing[*]} from Debian"
  start=$(date +%s)
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "== install took $(( $(date +%s) - start ))s"
  # Where an init system runs, the packages' postinst starts services on :9090/:9093; the suite
  # starts its own copies on free ports, so those never get in its way.
fi

for bin in prometheus prometheus-alertmanager promtool kubectl; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    echo "e2e-deps: $bin is still not on the PATH after installing" >&2
    exit 1
  fi
done

echo "== $(prometheus --version 2>&1 | head -n 1)"
echo "== $(prometheus-alertmanager --version 2>&1 | head -n 1)"
echo "== kubectl $(kubectl version --client 2>&1 | head -n 1)"
