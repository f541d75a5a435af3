//! XML Encryption: reading EncryptedData/EncryptedKey, decrypting into reports, creating them.

pub mod decrypt;
pub mod encrypt;
pub mod model;

pub use decrypt::{
    DataKey, DataKeyResolver, Decryption, DecryptionReport, decrypt_data, decrypt_document,
};
pub use model::{Cipher, DataType, EncryptedData, EncryptedKey};
