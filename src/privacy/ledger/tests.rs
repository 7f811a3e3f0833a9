//! Unit tests of the module beside this file.

use super::*;

fn conn() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    create_schema(&c).unwrap();
    c
}

#[test]
fn a_pooled_release_is_charged_to_each_quarter_and_n_squared_to_a_lifetime() {
    let mut c = conn();
    for q in ["2025Q1", "2025Q2"] {
        set_budget(&mut c, q, 1.0, "").unwrap();
    }
    let pool = |c: &mut Connection, id: &str, rho: f64| {
        let quarters = ["2025Q1", "2025Q2"];
        debit_each(c, &quarters, id, rho, None, None, &serde_json::json!({}))
    };
    pool(&mut c, "rel-pool", 0.25).unwrap();
    assert!((spent_of(&c, "2025Q1").unwrap() - 0.25).abs() < 1e-12);
    assert!((spent_of(&c, "2025Q2").unwrap() - 0.25).abs() < 1e-12);
    // A person in both quarters is two units of one measurement: 2² × 0.25.
    assert!((lifetime_spent(&c).unwrap() - 1.0).abs() < 1e-12);
    // Asked again: already debited, nothing more spent.
    assert!(matches!(
        pool(&mut c, "rel-pool", 0.25),
        Ok(Debit::Pending { .. })
    ));
    assert!((spent_of(&c, "2025Q2").unwrap() - 0.25).abs() < 1e-12);
    // All or none: a pool past one quarter's budget debits neither.
    assert!(pool(&mut c, "rel-big", 0.8).is_err());
    assert!((spent_of(&c, "2025Q1").unwrap() - 0.25).abs() < 1e-12);
}

#[test]
fn a_pool_of_people_is_charged_to_each_quarter_and_once_to_a_lifetime() {
    let mut c = conn();
    for q in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
        set_budget(&mut c, q, 1.0, "").unwrap();
    }
    set_lifetime(&mut c, 0.7, "").unwrap();
    let people = serde_json::json!({"pool_unit": POOL_UNIT_PERSON});
    let year = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"];
    debit_each(&mut c, &year, "rel-year", 0.25, None, None, &people).unwrap();
    debit(
        &mut c,
        "2025Q4",
        "rel-q4",
        0.25,
        None,
        None,
        &serde_json::json!({}),
    )
    .unwrap();
    // Each quarter's budget bounds a person present in it alone ...
    for q in year {
        let expected = if q == "2025Q4" { 0.5 } else { 0.25 };
        assert!((spent_of(&c, q).unwrap() - expected).abs() < 1e-12, "{q}");
    }
    // ... and a person present all year lost the year's rho once, plus the quarter's.
    assert!((lifetime_spent(&c).unwrap() - 0.5).abs() < 1e-12);
    // The cap is checked at the pool's own cost (0.25), not 4² times it.
    debit_each(&mut c, &year, "rel-year-2", 0.15, None, None, &people).unwrap();
    assert!((lifetime_spent(&c).unwrap() - 0.65).abs() < 1e-12);
    let over = debit_each(&mut c, &year, "rel-year-3", 0.1, None, None, &people);
    assert!(
        matches!(over, Err(LedgerError::Lifetime { .. })),
        "{over:?}"
    );
}

#[test]
fn releases_under_disclosure_rules_are_recorded_with_no_rho_and_no_budget() {
    let mut c = conn();
    let rules = serde_json::json!({"protection": "disclosure_control"});
    let key = ledger_key(Scope::Agency, "2025Q1");
    assert!(matches!(
        debit(&mut c, &key, "rel-a", 0.0, None, None, &rules),
        Ok(Debit::Debited { .. })
    ));
    // Zero rho is refused for anything else, and rules never carry rho past a budget.
    assert!(matches!(
        debit(
            &mut c,
            &key,
            "rel-b",
            0.0,
            None,
            None,
            &serde_json::json!({})
        ),
        Err(LedgerError::BadAmount(_))
    ));
    assert!(matches!(
        debit(&mut c, &key, "rel-c", 0.5, None, None, &rules),
        Err(LedgerError::NoBudget { .. })
    ));
}

#[test]
fn debits_are_refused_past_the_budget_and_reruns_spend_nothing() {
    let mut c = conn();
    assert!(matches!(
        debit(
            &mut c,
            "2025Q1",
            "r1",
            0.1,
            None,
            None,
            &serde_json::json!({})
        ),
        Err(LedgerError::NoBudget { .. })
    ));
    set_budget(&mut c, "2025Q1", 0.25, "").unwrap();
    let mut d = |id: &str, rho: f64| {
        debit(
            &mut c,
            "2025Q1",
            id,
            rho,
            None,
            None,
            &serde_json::json!({}),
        )
    };
    assert!(matches!(d("r1", 0.1).unwrap(), Debit::Debited { .. }));
    assert!(matches!(d("r1", 0.1).unwrap(), Debit::Pending { .. }));
    drop(d);
    complete(&mut c, "2025Q1", "r1", "releases/x.parquet", "abc").unwrap();
    let mut d = |id: &str, rho: f64| {
        debit(
            &mut c,
            "2025Q1",
            id,
            rho,
            None,
            None,
            &serde_json::json!({}),
        )
    };
    assert!(matches!(d("r1", 0.1).unwrap(), Debit::Complete { .. }));
    assert!(matches!(d("r2", 0.15).unwrap(), Debit::Debited { .. }));
    let err = d("r3", 0.01).unwrap_err();
    assert!(matches!(err, LedgerError::Overspend { .. }), "{err}");
    assert!(err.to_string().contains("0.250000"), "{err}");
    let s = status(&c).unwrap();
    assert_eq!(s[0].releases, 2);
    assert!((s[0].spent_rho - 0.25).abs() < 1e-12);
    assert_eq!(verify(&c).unwrap(), 4);
}

#[test]
fn a_lifetime_cap_bounds_the_sum_over_quarters_and_agency_budgets_stand_apart() {
    let mut c = conn();
    for q in ["2025Q1", "2025Q2"] {
        set_budget(&mut c, q, 1.0, "").unwrap();
    }
    set_budget(&mut c, &ledger_key(Scope::Agency, "2025Q1"), 5.0, "").unwrap();
    set_lifetime(&mut c, 0.5, "").unwrap();
    let j = serde_json::json!({});
    debit(&mut c, "2025Q1", "a", 0.3, None, Some(1e-9), &j).unwrap();
    let err = debit(&mut c, "2025Q2", "b", 0.3, None, None, &j).unwrap_err();
    assert!(matches!(err, LedgerError::Lifetime { .. }), "{err}");
    // Agency-unit releases do not count against a person's lifetime loss.
    debit(&mut c, "agency:2025Q1", "c", 3.0, None, None, &j).unwrap();
    debit(&mut c, "2025Q2", "d", 0.2, None, None, &j).unwrap();
    let st = statement(&c).unwrap();
    assert!((st.person_rho - 0.5).abs() < 1e-12);
    assert!((st.person_delta - (CONVERSION_DELTA + 1e-9)).abs() < 1e-15);
    assert_eq!(st.lifetime_cap, Some(0.5));
    let agency = st
        .periods
        .iter()
        .find(|p| p.scope == Scope::Agency)
        .unwrap();
    assert_eq!((agency.period.as_str(), agency.spent_rho), ("2025Q1", 3.0));
    assert_eq!(st.periods.len(), 3, "the lifetime cap is not a period");
}

#[test]
fn the_ledger_is_append_only_and_tampering_is_detected() {
    let mut c = conn();
    set_budget(&mut c, "2025Q1", 1.0, "").unwrap();
    debit(
        &mut c,
        "2025Q1",
        "r1",
        0.5,
        None,
        None,
        &serde_json::json!({}),
    )
    .unwrap();
    assert!(c.execute("UPDATE budget_ledger SET rho = 0.0", []).is_err());
    assert!(c.execute("DELETE FROM budget_ledger", []).is_err());
    c.execute_batch("DROP TRIGGER budget_ledger_no_update")
        .unwrap();
    c.execute(
        "UPDATE budget_ledger SET rho = 0.01 WHERE event = 'debit'",
        [],
    )
    .unwrap();
    assert!(matches!(verify(&c), Err(LedgerError::TriggersMissing)));
    c.execute_batch(
        "CREATE TRIGGER budget_ledger_no_update BEFORE UPDATE ON budget_ledger BEGIN SELECT RAISE(ABORT, 'x'); END;",
    )
    .unwrap();
    assert!(matches!(verify(&c), Err(LedgerError::Tampered { seq: 2 })));
}

#[test]
fn zcdp_converts_to_approximate_dp_more_tightly_than_bun_and_steinke() {
    let loose = |rho: f64| rho + 2.0 * (rho * 1e6f64.ln()).sqrt();
    for rho in [0.01, 0.5, 4.0] {
        let eps = zcdp_to_epsilon(rho, 1e-6);
        assert!(eps > 0.0 && eps < loose(rho), "rho {rho}: {eps}");
        // The conversion is exact: at that epsilon, delta(epsilon) is 1e-6.
        assert!(eps > 0.8 * loose(rho), "rho {rho}: {eps}");
    }
    assert_eq!(zcdp_to_epsilon(0.0, 1e-6), 0.0);
}

/// A ledger written before the canonical hash rule (amounts hashed through
/// `{:?}`) still verifies, and keeps growing under the new rule; an old
/// event altered, or an event hashed the old way after the change, does not.
#[test]
fn a_ledger_hashed_by_the_first_rule_verifies_and_grows_under_the_canonical_one() {
    let c = conn();
    // Two events as the binary before the change wrote them.
    let mut prev = GENESIS.to_string();
    for (seq, rho) in [(1i64, 1.0f64), (2, 0.1)] {
        let mut e = Event {
            seq,
            at: "2026-12-01".into(),
            event: EventKind::Budget,
            period: format!("2025Q{seq}"),
            release_id: None,
            rho,
            epsilon: None,
            delta: None,
            detail: "{}".into(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        e.hash = chain_hash_v1(&e);
        assert_ne!(e.hash, chain_hash(&e), "the rules differ");
        c.execute(
            "INSERT INTO budget_ledger (seq, at, event, period, release_id, rho, epsilon, delta, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, NULL, ?5, NULL, NULL, ?6, ?7, ?8)",
            params![e.seq, e.at, e.event, e.period, e.rho, e.detail, e.prev_hash, e.hash],
        )
        .unwrap();
        prev = e.hash;
    }
    assert_eq!(verify(&c).unwrap(), 2);
    let mut c = c;
    set_budget(&mut c, "2025Q3", 0.5, "").unwrap();
    assert_eq!(
        verify(&c).unwrap(),
        3,
        "the new event is hashed canonically"
    );
    // An event hashed the old way after the change is refused.
    let last: (i64, String) = c
        .query_row(
            "SELECT seq, hash FROM budget_ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut late = Event {
        seq: last.0 + 1,
        at: "2026-12-07".into(),
        event: EventKind::Budget,
        period: "2025Q4".into(),
        release_id: None,
        rho: 0.5,
        epsilon: None,
        delta: None,
        detail: "{}".into(),
        prev_hash: last.1,
        hash: String::new(),
    };
    late.hash = chain_hash_v1(&late);
    c.execute(
        "INSERT INTO budget_ledger (seq, at, event, period, release_id, rho, epsilon, delta, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, NULL, ?5, NULL, NULL, ?6, ?7, ?8)",
        params![late.seq, late.at, late.event, late.period, late.rho, late.detail, late.prev_hash, late.hash],
    )
    .unwrap();
    assert!(matches!(verify(&c), Err(LedgerError::Tampered { seq: 4 })));
}
