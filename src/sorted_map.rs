//! A map kept as a sorted `Vec`, looked up by binary search. For the authorizer's maps (the
//! strings a grant set names, a few grants per general resource) it answers as fast as a
//! `HashMap` and leaves hashbrown and SipHash out of the WebAssembly module (docs/size.md).

use std::borrow::Borrow;

#[derive(Clone, Debug)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> std::result::Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.position(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// The value of `key`, made by `make` and inserted first when absent (always `Some`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        let at = match self.position(key.borrow()) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, make()));
                at
            }
        };
        self.entries.get_mut(at).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;

    #[test]
    fn finds_what_it_holds_and_keeps_the_first_value() {
        let mut map = SortedMap::default();
        for (i, key) in ["m", "b", "z", "a", "b"].iter().enumerate() {
            map.get_or_insert_with(key.to_string(), || i);
        }
        assert_eq!(map.get("b"), Some(&1));
        assert_eq!(map.get("a"), Some(&3));
        assert_eq!(map.get("z"), Some(&2));
        assert_eq!(map.get("c"), None);
        assert_eq!(map.get(""), None);
    }
}
