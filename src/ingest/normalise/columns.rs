//! Column builders of the canonical frame: codes as one byte per row, set masks, keys, interned text; and the frame built from them.

use super::*;

/// A column of codes kept as one byte per row: an index into the distinct
/// codes seen (255 = null). Codes are `&'static str` from the code lists, so
/// the lookup is mostly a pointer comparison.
#[derive(Default)]
pub(super) struct CodeColumn {
    pub(super) values: Vec<u8>,
    pub(super) table: Vec<&'static str>,
    /// The list whose [`code_slots`] begin `table`, so a mapper's hit is pushed as is.
    pub(super) list: Option<&'static CodeList>,
    /// The index of a code by its address, for the codes met recently
    /// (direct-mapped: one slot per address hash).
    pub(super) recent: [(usize, usize, u8); 16],
}

impl CodeColumn {
    pub(super) const NULL: u8 = u8::MAX;

    pub(super) fn for_list(list: &'static CodeList) -> Self {
        CodeColumn {
            table: code_slots(list).collect(),
            list: Some(list),
            ..Default::default()
        }
    }

    /// Push a code mapped by a mapper of `list`.
    pub(super) fn push_hit(&mut self, list: &'static CodeList, code: &'static str, slot: u8) {
        match self.list {
            Some(mine)
                if slot != Self::NULL && (std::ptr::eq(mine, list) || mine.name == list.name) =>
            {
                self.values.push(slot)
            }
            _ => self.push(Some(code)),
        }
    }

    pub(super) fn index(&mut self, code: &'static str) -> u8 {
        // Codes come from the code lists, so their address identifies them.
        let key = (code.as_ptr() as usize, code.len());
        let slot = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize;
        let (address, len, i) = self.recent[slot];
        if (address, len) == key {
            return i;
        }
        let i = match self.table.iter().position(|c| *c == code) {
            Some(i) => i as u8,
            None => {
                self.table.push(code);
                (self.table.len() - 1) as u8
            }
        };
        self.recent[slot] = (key.0, key.1, i);
        i
    }

    pub(super) fn push(&mut self, code: Option<&'static str>) {
        let i = code.map(|c| self.index(c)).unwrap_or(Self::NULL);
        self.values.push(i);
    }

    pub(super) fn set_last(&mut self, code: &'static str) {
        let i = self.index(code);
        if let Some(last) = self.values.last_mut() {
            *last = i;
        }
    }

    /// The canonical column: an `Enum` over the list's categories, built
    /// from the one-byte indices as they are (a mapper's slot is the
    /// category's index); a column without a list is text.
    pub(super) fn into_column(self, name: &str) -> Column {
        let Some(list) = self.list else {
            return dictionary_column(name, &self.table, &self.values, Self::NULL);
        };
        // The table begins with the list's categories; codes pushed as text
        // (constants, derived values) were appended and are placed by name.
        let categories: Vec<&str> = crate::schema::fields::code_categories(list).collect();
        let place: Vec<u8> = self
            .table
            .iter()
            .map(|code| match categories.iter().position(|c| c == code) {
                Some(i) => i as u8,
                None => unreachable!("{code} is not a code of {}", list.name),
            })
            .collect();
        let mut values = self.values;
        if place.iter().enumerate().any(|(i, p)| *p as usize != i) {
            for v in values.iter_mut().filter(|v| **v != Self::NULL) {
                *v = place[*v as usize];
            }
        }
        let validity = values
            .contains(&Self::NULL)
            .then(|| Bitmap::from_iter(values.iter().map(|v| *v != Self::NULL)));
        let ids = UInt8Chunked::with_chunk(
            name.into(),
            PrimitiveArray::new(ArrowDataType::UInt8, values.into(), validity),
        );
        Categorical8Chunked::from_cats_and_dtype(ids, crate::schema::fields::code_dtype(list))
            .into_column()
    }
}

/// A text column from a table of distinct values and one index per row
/// (`null` where the row has no value): the rows are gathered from a small
/// array of the values, so they share its bytes (16-byte views) instead of
/// copying every value longer than 12 bytes.
pub(super) fn dictionary_column<S: AsRef<str>, I: Copy + PartialEq + Into<u64>>(
    name: &str,
    table: &[S],
    rows: &[I],
    null: I,
) -> Column {
    if table.is_empty() {
        return Column::full_null(name.into(), rows.len(), &DataType::String);
    }
    let indices: Vec<IdxSize> = rows
        .iter()
        .map(|i| {
            if *i == null {
                0
            } else {
                (*i).into() as IdxSize
            }
        })
        .collect();
    let validity = rows
        .contains(&null)
        .then(|| Bitmap::from_iter(rows.iter().map(|i| *i != null)));
    let indices = IdxCa::with_chunk(
        PlSmallStr::EMPTY,
        PrimitiveArray::new(
            IDX_DTYPE.to_arrow(CompatLevel::newest()),
            indices.into(),
            validity,
        ),
    );
    let values = StringChunked::from_iter_values(name.into(), table.iter().map(AsRef::as_ref));
    values
        .take(&indices)
        .expect("indices come from the table")
        .into_column()
}

/// The boolean columns of one field (the codes of a set, or the services
/// needed) being built: a word per row, a bit per code, for the values and for
/// whether each is known.
#[derive(Default)]
pub(super) struct MaskColumns {
    pub(super) present: Vec<u32>,
    pub(super) known: Vec<u32>,
}

impl MaskColumns {
    pub(super) fn push(&mut self, present: u32, known: u32) {
        self.present.push(present);
        self.known.push(known);
    }

    /// Column `i` of `names` from bit `i`.
    pub(super) fn into_columns(self, names: impl Iterator<Item = String>) -> Vec<Column> {
        names
            .enumerate()
            .map(|(i, name)| {
                let bit = |words: &[u32]| Bitmap::from_iter(words.iter().map(|w| w >> i & 1 == 1));
                let validity = bit(&self.known);
                let validity = (validity.unset_bits() > 0).then_some(validity);
                let array = BooleanArray::new(ArrowDataType::Boolean, bit(&self.present), validity);
                BooleanChunked::with_chunk(name.into(), array).into_column()
            })
            .collect()
    }
}

/// The person keys: distinct per person, their bytes copied once into the column's buffers.
#[derive(Default)]
pub(super) struct KeyColumn(MutableBinaryViewArray<str>);

impl KeyColumn {
    pub(super) fn push(&mut self, key: Option<&str>) {
        self.0.push(key);
    }

    pub(super) fn into_column(self, name: &str) -> Column {
        let keys: Utf8ViewArray = self.0.into();
        StringChunked::with_chunk(name.into(), keys).into_column()
    }
}

/// A text column with few distinct values (agency, quarter, FSA), interned.
#[derive(Default)]
pub(super) struct InternColumn {
    pub(super) values: Vec<u32>,
    pub(super) table: Vec<String>,
    pub(super) index: PlHashMap<String, u32>,
}

impl InternColumn {
    pub(super) fn intern(&mut self, v: String) -> u32 {
        match self.index.get(&v) {
            Some(i) => *i,
            None => {
                let i = self.table.len() as u32;
                self.index.insert(v.clone(), i);
                self.table.push(v);
                i
            }
        }
    }

    /// Push one row's value; looked up without allocating, and the previous
    /// row's value (the common case: agency, quarter) without hashing.
    pub(super) fn push(&mut self, value: Option<&str>) {
        let i = match value {
            None => u32::MAX,
            Some(v) => match self.values.last() {
                Some(&last) if last != u32::MAX && self.table[last as usize] == v => last,
                _ => match self.index.get(v) {
                    Some(i) => *i,
                    None => self.intern(v.to_string()),
                },
            },
        };
        self.values.push(i);
    }

    pub(super) fn into_column(self, name: &str) -> Column {
        dictionary_column(name, &self.table, &self.values, u32::MAX)
    }
}

/// Column values being built, one entry per accepted row.
pub(super) enum Builder {
    Codes(CodeColumn),
    Keys(KeyColumn),
    Text(InternColumn),
    Bools(MaskColumns),
    Services {
        needed: MaskColumns,
        status: Vec<CodeColumn>,
    },
    Ints(Vec<Option<i64>>),
    Floats(Vec<Option<f64>>),
}

impl Builder {
    /// An empty builder for the values of `def`.
    pub(super) fn for_field(def: &FieldDef) -> Builder {
        match def.kind {
            FieldKind::Code(list) => Builder::Codes(CodeColumn::for_list(list)),
            FieldKind::PersonKey => Builder::Keys(KeyColumn::default()),
            FieldKind::Quarter | FieldKind::Agency | FieldKind::Fsa => {
                Builder::Text(InternColumn::default())
            }
            FieldKind::Set(_) => Builder::Bools(MaskColumns::default()),
            FieldKind::Services => Builder::Services {
                needed: MaskColumns::default(),
                status: (0..codes::SERVICE_CATEGORY.codes.len())
                    .map(|_| CodeColumn::for_list(&codes::SERVICE_STATUS))
                    .collect(),
            },
            FieldKind::Count { .. } | FieldKind::Cents => Builder::Ints(Vec::new()),
            FieldKind::Decimal { .. } => Builder::Floats(Vec::new()),
        }
    }
}

/// Turn the builders of `defs` into canonical columns, built in parallel.
pub(super) fn build_frame(defs: &[&FieldDef], builders: Vec<Builder>) -> PolarsResult<DataFrame> {
    use rayon::prelude::*;
    let columns: Vec<Vec<Column>> = defs
        .par_iter()
        .zip(builders)
        .map(|(def, builder)| {
            let name = def.name;
            match builder {
                Builder::Codes(v) => vec![v.into_column(name)],
                Builder::Keys(v) => vec![v.into_column(name)],
                Builder::Text(v) => vec![v.into_column(name)],
                Builder::Ints(v) => vec![Column::new(name.into(), v)],
                Builder::Floats(v) => vec![Column::new(name.into(), v)],
                Builder::Bools(v) => {
                    let list = def.code_list().expect("set field has a code list");
                    v.into_columns(list.codes.iter().map(|code| fields::set_column(name, code)))
                }
                Builder::Services { needed, status } => {
                    let categories = codes::SERVICE_CATEGORY.codes;
                    let needed = needed
                        .into_columns(categories.iter().map(|c| fields::service_columns(c).0));
                    let status = categories
                        .iter()
                        .zip(status)
                        .map(|(c, s)| s.into_column(&fields::service_columns(c).1));
                    // Each category's two columns side by side, as the canonical schema orders them.
                    needed
                        .into_iter()
                        .zip(status)
                        .flat_map(|(n, s)| [n, s])
                        .collect()
                }
            }
        })
        .collect();
    DataFrame::new(columns.into_iter().flatten().collect())
}
