//! XML Signature: reading `ds:Signature`, verifying into reports that keep every
//! intermediate, and creating signatures.

pub mod diagnosis;
pub mod key_info;
pub mod model;
pub mod reference;
pub mod sign;
pub mod verify;
pub mod work_budget;

pub use model::{SignatureElement, find_signatures};
pub use reference::{StrDereference, StrTarget};
pub use sign::{ReferenceSpec, SignatureSpec, Signed, TransformSpec, sign};
pub use verify::{
    KeyOrigin, OwnedVerifyingKey, ReferenceStatus, ResolvedKey, SignatureKeyResolver,
    SignatureReport, VerifyOptions, verify_signature,
};
pub use work_budget::WorkBudget;
