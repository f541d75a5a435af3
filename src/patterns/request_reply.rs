use super::scene::Scene;
use super::{PatternError, Tamper};

pub fn run(_variant: &str, _seed: u64, _tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    Err(PatternError::Internal("in progress".into()))
}
