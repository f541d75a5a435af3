//! Steps that show the same message share one buffer: a walk of n steps does not copy its
//! envelope n times.

use super::{CATALOG, walk};

#[test]
fn steps_showing_the_same_message_share_its_buffer() {
    for info in CATALOG {
        for variant in info.variants {
            let w = walk(info.name, Some(variant), 1, None).unwrap();
            let texts: Vec<_> = w
                .steps
                .iter()
                .filter_map(|s| s.snapshot.envelope.as_ref().map(|e| &e.text))
                .collect();
            let mut shared = 0;
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    if a == b {
                        assert!(
                            a.ptr_eq(b),
                            "{} {variant}: equal envelope texts in two buffers",
                            info.name
                        );
                        shared += 1;
                    }
                }
            }
            // At least the sender's last step and the receiver's show one message.
            assert!(shared > 0, "{} {variant}: no step shares a text", info.name);
        }
    }
}
