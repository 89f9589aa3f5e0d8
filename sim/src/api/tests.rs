use super::*;

#[test]
fn event_type_list_matches_contract_families() {
    assert_eq!(EVENT_TYPES.len(), 42);
    assert!(EVENT_TYPES.iter().all(|t| *t == t.to_lowercase()));
    assert!(EVENT_TYPES.contains(&"token.revoked"));
    assert!(!EVENT_TYPES.contains(&"payment.created"));
}

#[test]
fn validation_reports_each_field() {
    let Err(d) = validate(&json!({"eventType": "invoice.nope"}), true) else {
        panic!("must fail");
    };
    let fields: Vec<_> = d.iter().map(|d| d.field).collect();
    assert_eq!(fields, ["eventType", "callbackUrl"]);
    assert!(
        validate(
            &json!({"eventType": "invoice.created", "callbackUrl": "http://shop.example/x"}),
            true
        )
        .is_err()
    );
    assert!(
        validate(
            &json!({"eventType": "invoice.created", "callbackUrl": "http://127.0.0.1:1/x"}),
            false
        )
        .is_err()
    );
    assert!(
        validate(
            &json!({"eventType": "invoice.created", "callbackUrl": "http://127.0.0.1:1/x"}),
            true
        )
        .is_ok()
    );
    assert!(
        validate(
            &json!({"eventType": "invoice.created", "callbackUrl": "https://shop.example/x"}),
            false
        )
        .is_ok()
    );
}
