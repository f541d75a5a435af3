#!/usr/bin/env bash
# Times target/release/wskex on the hostile inputs of issue 8 (item 8): each input is
# generated here, under 1 MB, and each command on it should take well under a second.
#
#   cargo build --release && scripts/bounded-work.sh [OUTDIR]
#
# Prints one line per (input, command): size, exit code, wall-clock seconds. Exit codes 1
# (checks failed) are expected: these messages are hostile. A 101 is a panic, 124 a run
# stopped after LIMIT seconds (default 60).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
wskex=${WSKEX:-$root/target/release/wskex}
out=${1:-$(mktemp -d)}
mkdir -p "$out"
[[ -x $wskex ]] || { echo "build first: cargo build --release ($wskex missing)" >&2; exit 2; }

head='<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><s:Header><wsse:Security>'
tail_body() { printf '</wsse:Security></s:Header><s:Body wsu:Id="body">%s</s:Body></s:Envelope>' "$1"; }
sct='<wsc:SecurityContextToken wsu:Id="sct"><wsc:Identifier>urn:sct</wsc:Identifier></wsc:SecurityContextToken>'
sct_key=(--key-name urn:sct=hex:000102030405060708090a0b0c0d0e0f)

# N unknown Security-header children, each with a wsu:Id (token registration).
unknown_children() {
    local n=$1 i
    printf '%s' "$head"
    for ((i = 0; i < n; i++)); do
        printf '<x:Unknown xmlns:x="urn:unknown" wsu:Id="u%d">opaque %d</x:Unknown>' "$i" "$i"
    done
    tail_body x
}

# N DerivedKeyTokens over one security context, each at OFFSET (P_SHA-1 output).
derived_keys() {
    local n=$1 offset=$2 i
    printf '%s%s' "$head" "$sct"
    for ((i = 0; i < n; i++)); do
        printf '<wsc:DerivedKeyToken wsu:Id="dk%d"><wsse:SecurityTokenReference><wsse:Reference URI="#sct"/></wsse:SecurityTokenReference><wsc:Offset>%d</wsc:Offset><wsc:Length>32</wsc:Length><wsc:Nonce>AAAAAAAAAAAAAAAAAAAAAA==</wsc:Nonce></wsc:DerivedKeyToken>' "$i" "$offset"
    done
    tail_body x
}

# DEPTH nested elements each declaring PER new prefixes, then LEAVES elements using the
# outermost prefix (namespace lookups under inclusive C14N).
nested_namespaces() {
    local depth=$1 per=$2 leaves=$3 d p
    printf '<p0x0:e xmlns:p0x0="urn:0:0">'
    for ((d = 1; d < depth; d++)); do
        printf '<e'
        for ((p = 0; p < per; p++)); do printf ' xmlns:p%dx%d="urn:%d:%d"' "$d" "$p" "$d" "$p"; done
        printf '>'
    done
    for ((p = 0; p < leaves; p++)); do printf '<p0x0:leaf/>'; done
    for ((d = 1; d < depth; d++)); do printf '</e>'; done
    printf '</p0x0:e>'
}

# One Signature with N references to a Body of BODY bytes (digest work).
many_references() {
    local n=$1 body=$2 i
    printf '%s<ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/>' "$head"
    for ((i = 0; i < n; i++)); do
        printf '<ds:Reference URI="#body"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference>'
    done
    printf '</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>'
    tail_body "$(head -c "$body" /dev/zero | tr '\0' A)"
}

# N Signatures, each with one reference to the Body (per-signature work: not yet linear).
many_signatures() {
    local n=$1 i
    printf '%s' "$head"
    for ((i = 0; i < n; i++)); do
        printf '<ds:Signature Id="S%d"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/><ds:Reference URI="#body"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo></ds:Signature>' "$i"
    done
    tail_body x
}

# N EncryptedData in the Body named by one ReferenceList (pending parts: not yet linear).
many_encrypted_parts() {
    local n=$1 i
    printf '%s<xenc:ReferenceList xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">' "$head"
    for ((i = 0; i < n; i++)); do printf '<xenc:DataReference URI="#E%d"/>' "$i"; done
    printf '</xenc:ReferenceList></wsse:Security></s:Header><s:Body wsu:Id="body">'
    for ((i = 0; i < n; i++)); do
        printf '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="E%d"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><xenc:CipherData><xenc:CipherValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>' "$i"
    done
    printf '</s:Body></s:Envelope>'
}

# N EncryptedData that decrypt (to <x/>, key 00112233445566778899aabbccddeeff), each named by
# a ReferenceList of its own (LISTS=1) or by none (LISTS=0): each opened part is a splice of
# plaintext into the document, which must not cost a parse of the whole message each.
splice_parts() {
    local n=$1 lists=$2 i cipher
    cipher=$({ printf '0123456789abcdef'; printf '<x/>' | openssl enc -aes-128-cbc \
        -K 00112233445566778899aabbccddeeff -iv 30313233343536373839616263646566; } | base64 -w0)
    printf '%s' "${head/<s:Header>/<s:Header xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\">}"
    if [[ $lists == 1 ]]; then
        for ((i = 0; i < n; i++)); do
            printf '<xenc:ReferenceList><xenc:DataReference URI="#E%d"/></xenc:ReferenceList>' "$i"
        done
    fi
    printf '</wsse:Security></s:Header><s:Body wsu:Id="body">'
    for ((i = 0; i < n; i++)); do
        printf '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="E%d" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><xenc:CipherData><xenc:CipherValue>%s</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>' "$i" "$cipher"
    done
    printf '</s:Body></s:Envelope>'
}

unknown_children 1000 >"$out/unknown-1000.xml"
unknown_children 4000 >"$out/unknown-4000.xml"
derived_keys 100 1048000 >"$out/dk-offset-1mib-x100.xml"
derived_keys 100 65504 >"$out/dk-offset-64kib-x100.xml"
derived_keys 1000 1048000 >"$out/dk-offset-1mib-x1000.xml"
derived_keys 1000 65504 >"$out/dk-offset-64kib-x1000.xml"
nested_namespaces 500 56 20000 >"$out/nested-namespaces.xml"
many_references 4000 350000 >"$out/references-4000-to-400k.xml"
many_signatures 1500 >"$out/signatures-1500.xml"
many_encrypted_parts 3000 >"$out/encrypted-parts-3000.xml"
splice_parts 3000 1 >"$out/spliced-lists-3000.xml"
splice_parts 3000 0 >"$out/spliced-unlisted-3000.xml"

# One run per line: bash's `time` (TIMEFORMAT) gives the wall clock and the CPU time (user +
# system: on a busy machine the wall clock also counts waiting), the run its exit code (124:
# stopped after LIMIT seconds, default 60).
limit=${LIMIT:-60}
TIMEFORMAT='%3R %3U %3S'
run() {
    local file=$1 command=$2
    shift 2
    local timing=$out/.time code=0
    { time timeout "$limit" "$wskex" "$command" "$out/$file" "$@" >/dev/null 2>"$out/.stderr" || code=$?; } 2>"$timing"
    local wall user system
    read -r wall user system < <(tail -n 1 "$timing")
    printf '%-30s %8d bytes  %-8s %-12s exit %-3s %6ss wall %6ss cpu\n' "$file" \
        "$(stat -c %s "$out/$file")" "$command" "${1:-}" "$code" "$wall" \
        "$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.3f", u + s }')"
    if [[ $code -gt 2 && $code -ne 124 ]]; then cat "$out/.stderr" >&2; fi
}

echo "inputs in $out"
for f in unknown-1000.xml unknown-4000.xml; do
    run "$f" inspect
    run "$f" verify
done
# 100 tokens isolate the P_SHA-1 bound; 1,000 also exercise token registration.
for f in dk-offset-1mib-x100.xml dk-offset-64kib-x100.xml dk-offset-1mib-x1000.xml dk-offset-64kib-x1000.xml; do
    run "$f" inspect "${sct_key[@]}"
    run "$f" verify "${sct_key[@]}"
done
run nested-namespaces.xml c14n
run nested-namespaces.xml c14n --exclusive
run nested-namespaces.xml verify
run nested-namespaces.xml inspect
run references-4000-to-400k.xml verify --hmac-secret hex:00
run references-4000-to-400k.xml inspect --hmac-secret hex:00
run references-4000-to-400k.xml decrypt
run signatures-1500.xml verify --key-name k=hex:00112233445566778899aabbccddeeff
run signatures-1500.xml inspect --key-name k=hex:00112233445566778899aabbccddeeff
run encrypted-parts-3000.xml decrypt --aes-key hex:00112233445566778899aabbccddeeff
run encrypted-parts-3000.xml inspect --aes-key hex:00112233445566778899aabbccddeeff
for f in spliced-lists-3000.xml spliced-unlisted-3000.xml; do
    run "$f" decrypt --aes-key hex:00112233445566778899aabbccddeeff
    run "$f" inspect --aes-key hex:00112233445566778899aabbccddeeff
done
