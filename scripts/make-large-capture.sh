#!/usr/bin/env bash
# Writes the large captures the performance benches open (issues 10 and 13), signed by an
# independent implementation (xmlsec1) with the walkthrough demonstration keys:
#
#   scripts/make-large-capture.sh OUTDIR [MEGABYTES] [MESSAGES]
#
#   OUTDIR/one-message/01-alice-bob.xml   one message of about MEGABYTES (default 50): a
#                                         purchase order Body and a Timestamp, signed by
#                                         alice (RSA-SHA256, exclusive c14n, her certificate)
#   OUTDIR/many-messages/NNNN-alice-bob.xml  MESSAGES (default 1000) messages of about 20 KB,
#                                         each with its own Timestamp and signature
#
# Open them with `wskex inspect OUTDIR/one-message --cert samples/keys/alice.cert.pem` (or
# `wskex tui ...`); every signature verifies. Needs xmlsec1 and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-large-capture.sh OUTDIR [MEGABYTES] [MESSAGES]}
megabytes=${2:-50}
messages=${3:-1000}
keys=$root/samples/keys
command -v xmlsec1 >/dev/null || { echo "make-large-capture.sh: xmlsec1 is not installed" >&2; exit 2; }
mkdir -p "$out/one-message" "$out/many-messages"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# template.py BYTES INDEX: an unsigned envelope of about BYTES with a signature template over
# its Body and Timestamp (the Timestamp differs per INDEX, so no two messages are replays).
cat > "$tmp/template.py" <<'PY'
import sys
size, index = int(sys.argv[1]), int(sys.argv[2])
minute, second = divmod(index, 60)
hour, minute = divmod(minute, 60)
created = "2026-12-01T%02d:%02d:%02dZ" % (9 + hour % 12, minute, second)
expires = "2026-12-01T%02d:%02d:%02dZ" % (9 + hour % 12 + 1, minute, second)
signature = ('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SIG-1"><ds:SignedInfo>'
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
  '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
  + ''.join('<ds:Reference URI="#%s"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
            '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>' % i
            for i in ("Body-1", "TS-1"))
  + '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
out = [
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
  'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" '
  'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">\n'
  '<s:Header><wsse:Security s:mustUnderstand="true">', signature,
  '<wsu:Timestamp wsu:Id="TS-1"><wsu:Created>%s</wsu:Created><wsu:Expires>%s</wsu:Expires></wsu:Timestamp>' % (created, expires),
  '</wsse:Security></s:Header>\n<s:Body wsu:Id="Body-1"><po:PurchaseOrder xmlns:po="urn:wskex:example:po">\n']
written, line = sum(map(len, out)), 0
while written < size:
  item = ('  <po:Line number="%d" sku="SKU-%08d"><po:Description lang="en">Widget &amp; gadget #%d</po:Description>'
          '<po:Quantity unit="pcs">%d</po:Quantity><po:Price>%d.%02d</po:Price></po:Line>\n'
          % (line, line * 7919 % 100000000, line, 1 + line % 17, 10 + line % 990, line % 100))
  out.append(item)
  written += len(item)
  line += 1
out.append('</po:PurchaseOrder></s:Body></s:Envelope>\n')
sys.stdout.write(''.join(out))
PY

sign() {
    xmlsec1 --sign --privkey-pem "$keys/alice.key.pem,$keys/alice.cert.pem" \
        --id-attr:Id Body --id-attr:Id Timestamp --output "$2" "$1"
}

python3 "$tmp/template.py" $((megabytes * 1000 * 1000)) 0 >"$tmp/large.xml"
sign "$tmp/large.xml" "$out/one-message/01-alice-bob.xml"
echo "wrote $out/one-message/01-alice-bob.xml ($(stat -c %s "$out/one-message/01-alice-bob.xml") bytes)"

for ((i = 1; i <= messages; i++)); do
    python3 "$tmp/template.py" 20000 "$i" >"$tmp/small.xml"
    sign "$tmp/small.xml" "$out/many-messages/$(printf '%04d' "$i")-alice-bob.xml"
done
echo "wrote $messages messages in $out/many-messages"
