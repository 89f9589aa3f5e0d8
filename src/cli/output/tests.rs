use super::*;

#[test]
fn the_state_word_carries_its_colour_and_stays_readable_without_it() {
    let healthy = state_word(ConnState::Healthy, Lang::De);
    assert!(healthy.starts_with("\x1b[") && healthy.contains("Verbunden"));
    assert!(state_word(ConnState::AuthLost, Lang::De).contains("\x1b[1m\x1b[31m"));
    assert_eq!(
        state_word(ConnState::NotConnected, Lang::De),
        "Nicht verbunden"
    );
    // What anstream writes to a pipe: the words alone.
    let mut piped = anstream::StripStream::new(Vec::new());
    let _ = write!(piped, "{healthy}");
    assert_eq!(piped.into_inner(), b"Verbunden");
}
