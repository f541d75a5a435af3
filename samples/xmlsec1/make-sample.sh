#!/usr/bin/env bash
# An envelope secured by an independent implementation (xmlsec1, libxmlsec1 + OpenSSL), for
# `wskex inspect` to open. Encrypt-then-sign:
#   1. the Body's content is encrypted with AES-128-CBC under a fresh session key, which
#      xmlsec1 wraps for bob with RSA-OAEP in an EncryptedKey inside the EncryptedData;
#   2. the (encrypted) Body and the Timestamp are signed with alice's key, RSA-SHA256,
#      exclusive c14n, her certificate in the KeyInfo.
# Keys: the walkthrough demonstration keys in ../keys (alice signs, bob decrypts).
# Output: envelope.xml (committed). Re-running makes a different session key and IV.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/plain.xml" <<'XML'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><wsse:Security s:mustUnderstand="true"><wsu:Timestamp wsu:Id="TS-1"><wsu:Created>2026-12-01T09:00:00Z</wsu:Created><wsu:Expires>2026-12-01T09:05:00Z</wsu:Expires></wsu:Timestamp></wsse:Security></s:Header><s:Body wsu:Id="Body-1"><po:PurchaseOrder xmlns:po="urn:wskex:example:po"><po:Item sku="W-1">widget</po:Item><po:Quantity>12</po:Quantity></po:PurchaseOrder></s:Body></s:Envelope>
XML

cat > "$tmp/encrypt-template.xml" <<'XML'
<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="ED-1" Type="http://www.w3.org/2001/04/xmlenc#Content"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey Id="EK-1"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>
XML

xmlsec1 --encrypt --pubkey-cert-pem ../keys/bob.cert.pem --session-key aes-128 \
  --xml-data "$tmp/plain.xml" --node-xpath '/*[local-name()="Envelope"]/*[local-name()="Body"]' \
  --output "$tmp/encrypted.xml" "$tmp/encrypt-template.xml"

# The signature template goes at the start of the Security header.
python3 - "$tmp/encrypted.xml" "$tmp/sign-template.xml" <<'PY'
import sys
text = open(sys.argv[1]).read()
signature = ('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SIG-1"><ds:SignedInfo>'
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
  '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
  + ''.join('<ds:Reference URI="#%s"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
            '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>' % i for i in ("Body-1", "TS-1"))
  + '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>')
marker = 's:mustUnderstand="true">'
i = text.index(marker) + len(marker)
open(sys.argv[2], 'w').write(text[:i] + signature + text[i:])
PY

xmlsec1 --sign --privkey-pem ../keys/alice.key.pem,../keys/alice.cert.pem \
  --id-attr:Id Body --id-attr:Id Timestamp --output envelope.xml "$tmp/sign-template.xml"
echo "wrote envelope.xml"
