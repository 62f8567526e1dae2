#!/usr/bin/env bash
# Create each service's RSA signing key as its own Secret (<service>-signing-key, key
# <service>.key) and the public keys as one ConfigMap (service-public-keys) in a namespace.
# Private keys exist only in a temporary folder that is removed on exit, and in the cluster.
#
#   deploy/k8s/create-signing-keys.sh [namespace]      (default: shop)
#
# Existing Secrets are left alone; to rotate a key see docs/operations.md (key rotation).
set -euo pipefail

NAMESPACE="${1:-shop}"
SERVICES=(identity-commerce catalog-fulfillment notifications)
KUBECTL="${KUBECTL:-kubectl}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

public_keys=()
for service in "${SERVICES[@]}"; do
    if "$KUBECTL" -n "$NAMESPACE" get secret "$service-signing-key" >/dev/null 2>&1; then
        echo "secret $service-signing-key exists: keeping it"
        "$KUBECTL" -n "$NAMESPACE" get secret "$service-signing-key" \
            -o "jsonpath={.data.$service\.key}" | base64 -d >"$work/$service.key"
    else
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$service.key" 2>/dev/null
        "$KUBECTL" -n "$NAMESPACE" create secret generic "$service-signing-key" \
            --from-file="$service.key=$work/$service.key"
    fi
    openssl pkey -in "$work/$service.key" -pubout -out "$work/$service.pub"
    public_keys+=("--from-file=$service.pub=$work/$service.pub")
done

"$KUBECTL" -n "$NAMESPACE" create configmap service-public-keys "${public_keys[@]}" \
    --dry-run=client -o yaml | "$KUBECTL" -n "$NAMESPACE" apply -f -
