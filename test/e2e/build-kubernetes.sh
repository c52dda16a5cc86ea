#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy for the Kubernetes release pinned in
# KUBERNETES_VERSION, and prints the folder that holds them. Nothing of Kubernetes is kept in
# this repository: a wrapper module requires k8s.io/kubernetes and pins its staging modules
# (k8s.io/api, k8s.io/apiserver, ...) to the matching v0.x.y releases.
#
# The binaries live under ~/.cache/cdk-eks-oidc-k8s (K8S_CACHE), keyed by Kubernetes and Go version:
# the first run on a machine compiles for about 7 minutes on 2 cores, later runs return at once.
# Modules and compiled packages go to the project's one Go cache, ~/.cache/cdk-eks-oidc-go, which
# jsii-pacmak's Go build, the Go suite and actionlint's build share.
set -euo pipefail

K8S_VERSION="$(tr -d '[:space:]' < "$(dirname "$0")/KUBERNETES_VERSION")"
K8S_CACHE="${K8S_CACHE:-$HOME/.cache/cdk-eks-oidc-k8s}"
log() { printf '[build-kubernetes] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH"
# The machine's own Go only: this workplace serves no other toolchain.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=mod"
export GOMODCACHE="$HOME/.cache/cdk-eks-oidc-go/mod" GOCACHE="$HOME/.cache/cdk-eks-oidc-go/build"
GO_VERSION="$(go env GOVERSION)"
OUT="$K8S_CACHE/$K8S_VERSION-$GO_VERSION"
BIN="$OUT/bin"
mkdir -p "$BIN" "$OUT/src"

cached() { [[ -x "$BIN/kube-apiserver" && -x "$BIN/kubectl" && -x "$BIN/etcd" ]]; }
report() { log "$1: $("$BIN/kube-apiserver" --version), kubectl $("$BIN/kubectl" version --client -o json | sed -n 's/.*"gitVersion": "\(.*\)",/\1/p'), etcd $("$BIN/etcd" --version | sed -n 's/^etcd Version: //p') in $BIN"; }
if cached; then report cached; echo "$BIN"; exit 0; fi
exec 9>"$OUT/.lock"
flock 9   # one build at a time per version
if cached; then report cached; echo "$BIN"; exit 0; fi

log "reading k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
K8S_DIR="$(cd "$OUT/src" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -f "$K8S_DIR/go.mod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION"

# Kubernetes names the Go it is built with. A different Go minor has served broken OpenAPI; a
# different patch of the same minor builds the same server.
WANTED_GO="go$(tr -d '[:space:]' < "$K8S_DIR/.go-version")"
[[ "${WANTED_GO%.*}" == "${GO_VERSION%.*}" ]] \
  || die "Kubernetes $K8S_VERSION is built with $WANTED_GO, this machine has $GO_VERSION: pin a Kubernetes release of Go ${GO_VERSION%.*}"
ETCD_VERSION="v$(awk '/name: "etcd"/{f=1;next} f&&/version:/{print $2; exit}' "$K8S_DIR/build/dependencies.yaml")"
log "Kubernetes $K8S_VERSION (Go $WANTED_GO, built with $GO_VERSION), etcd $ETCD_VERSION"

# The wrapper module. Its go and godebug lines are Kubernetes' own: GODEBUG defaults come from the
# main module, so other lines would build a server that behaves differently from upstream.
W="$OUT/src/kubernetes"
mkdir -p "$W"
{
  echo "module cdk-eks-oidc-e2e/kubernetes"
  grep -E '^go [0-9]' "$K8S_DIR/go.mod"
  grep -E '^godebug ' "$K8S_DIR/go.mod" || true
  awk '/^godebug \($/{f=1} f{print} f&&/^\)/{f=0}' "$K8S_DIR/go.mod"
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo "tool k8s.io/kubernetes/cmd/kube-apiserver"
  echo "tool k8s.io/kubernetes/cmd/kubectl"
  # etcd in the same module graph, as Kubernetes' integration tests embed it: the gRPC, protobuf,
  # OpenTelemetry and Prometheus packages it shares with kube-apiserver compile once, not twice.
  echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  echo "tool go.etcd.io/etcd/server/v3"
  echo "replace ("
  # k8s.io/foo => ./staging/src/k8s.io/foo   becomes   k8s.io/foo => k8s.io/foo v0.x.y
  sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/k8s\.io/.*$#\t\1 => \1 v0.'"${K8S_VERSION#v1.}"'#p' "$K8S_DIR/go.mod"
  echo ")"
} > "$W/go.mod"
log "resolving the module graph"
(cd "$W" && go mod tidy) > "$W/tidy.log" 2>&1 || { tail -30 "$W/tidy.log" >&2; die "go mod tidy failed"; }

# Version stamping as Kubernetes' hack/lib/version.sh does; /version says v0.0.0-master otherwise.
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<< "$K8S_VERSION") -X $pkg.gitTreeState=clean"
done
# One `go build` for the three, so that the two cores stay busy until the last link; into a
# temporary folder, renamed into place only when complete, so an interrupted build is never taken
# for a finished one. No DWARF from the compiler: the linker's -w drops it anyway.
log "compiling kube-apiserver, kubectl and etcd: about 7 minutes on 2 cores with an empty cache"
rm -rf "$OUT/bin.tmp"
(cd "$W" && go build -trimpath -gcflags=all=-dwarf=false -ldflags "$LDFLAGS" -o "$OUT/bin.tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3)
# go names a binary after its package path's last element other than a major version: etcd's is "server".
mv "$OUT/bin.tmp/server" "$OUT/bin.tmp/etcd"
for b in kube-apiserver kubectl etcd; do mv "$OUT/bin.tmp/$b" "$BIN/$b"; done

report built
echo "$BIN"
