//! Just enough DER reading to look inside a few structures OpenSSL does not expose:
//! the subjectPublicKey BIT STRING of a SubjectPublicKeyInfo (for the X.509 v1
//! SubjectKeyIdentifier) and the outer shape of an EncryptedPrivateKeyInfo.
//! Definite lengths only, as DER requires; anything else is "not this structure".

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;

/// One TLV: its tag and its content bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
}

/// Reads one TLV from the front of `input`; returns it and the rest.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    // Multi-byte tags (low five bits all set) do not occur in the structures read here.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > std::mem::size_of::<usize>() || rest.len() < count {
            return None;
        }
        let (len_bytes, after) = rest.split_at(count);
        rest = after;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((Tlv { tag, content }, rest))
}

/// All TLVs of a constructed value's content, or `None` if any is malformed.
pub(crate) fn children(content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, after) = read_tlv(rest)?;
        out.push(tlv);
        rest = after;
    }
    Some(out)
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo (without the unused-bits octet).
pub(crate) fn spki_public_key_bits(spki: &[u8]) -> Option<&[u8]> {
    let (outer, rest) = read_tlv(spki)?;
    if outer.tag != TAG_SEQUENCE || !rest.is_empty() {
        return None;
    }
    let parts = children(outer.content)?;
    match parts.as_slice() {
        [algorithm, key] if algorithm.tag == TAG_SEQUENCE && key.tag == TAG_BIT_STRING => {
            // The first content octet is the number of unused bits: 0 for keys.
            match key.content.split_first() {
                Some((0, bits)) => Some(bits),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True when `der` has the shape of a PKCS#8 EncryptedPrivateKeyInfo:
/// SEQUENCE { SEQUENCE { OID, ... }, OCTET STRING }.
pub(crate) fn looks_like_encrypted_pkcs8(der: &[u8]) -> bool {
    let Some((outer, rest)) = read_tlv(der) else {
        return false;
    };
    if outer.tag != TAG_SEQUENCE || !rest.is_empty() {
        return false;
    }
    let Some(parts) = children(outer.content) else {
        return false;
    };
    match parts.as_slice() {
        [algorithm, data] if algorithm.tag == TAG_SEQUENCE && data.tag == TAG_OCTET_STRING => {
            matches!(read_tlv(algorithm.content), Some((first, _)) if first.tag == TAG_OID)
        }
        _ => false,
    }
}

/// True when `der` starts like a PKCS#12 PFX: SEQUENCE { INTEGER 3, ... }.
pub(crate) fn looks_like_pkcs12(der: &[u8]) -> bool {
    let Some((outer, _)) = read_tlv(der) else {
        return false;
    };
    if outer.tag != TAG_SEQUENCE {
        return false;
    }
    matches!(read_tlv(outer.content), Some((v, _)) if v.tag == TAG_INTEGER && v.content == [3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_short_and_long() {
        let (tlv, rest) = read_tlv(&[0x04, 0x02, 0xaa, 0xbb, 0xcc]).unwrap();
        assert_eq!(tlv.content, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0xcc]);
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(vec![7u8; 0x80]);
        assert_eq!(read_tlv(&long).unwrap().0.content.len(), 0x80);
        // Truncated, indefinite and oversized lengths are refused.
        assert!(read_tlv(&[0x04, 0x03, 0x00]).is_none());
        assert!(read_tlv(&[0x30, 0x80]).is_none());
        assert!(read_tlv(&[0x04, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1]).is_none());
        assert!(read_tlv(&[]).is_none());
    }

    #[test]
    fn spki_bits_of_an_rsa_key_are_the_pkcs1_public_key() {
        let key = crate::crypto::test_keys::rsa_2048();
        let spki = key.public_key_to_der().unwrap();
        let pkcs1 = key.rsa().unwrap().public_key_to_der_pkcs1().unwrap();
        assert_eq!(spki_public_key_bits(&spki).unwrap(), &pkcs1[..]);
        assert!(spki_public_key_bits(&pkcs1).is_none());
    }
}
