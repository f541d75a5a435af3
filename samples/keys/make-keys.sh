#!/usr/bin/env bash
# Makes the RSA key pairs and self-signed certificates of the walkthrough parties.
# Run once; the results are committed and compiled into wskex (src/patterns/parties.rs), so the
# walkthroughs work anywhere without files. These are demonstration keys, published with the
# source: never use them for anything real.
#
#   alice    initiator / requestor / the delegate B
#   bob      recipient / target service / the relying party T
#   sts      the security token service (brokered key distribution)
#   carol    the delegator A, who shares a secret with bob
#   mallory  the attacker of the tamper actions
set -euo pipefail
cd "$(dirname "$0")"

for party in alice bob sts carol mallory; do
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7300 \
    -subj "/CN=${party}/OU=wskex walkthrough/O=wskex demonstration keys" \
    -addext "subjectKeyIdentifier=hash" \
    -addext "keyUsage=digitalSignature,keyEncipherment" \
    -keyout "${party}.key.pem" -out "${party}.cert.pem" 2>/dev/null
  # PKCS#8 PEM, unencrypted (openssl 3 default for -nodes).
  openssl pkey -in "${party}.key.pem" -out "${party}.key.pem.tmp" && mv "${party}.key.pem.tmp" "${party}.key.pem"
done
echo "made: $(ls ./*.pem | tr '\n' ' ')"
