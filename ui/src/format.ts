/**
 * The window formats no time of day and no "in 2 h" / "vor 5 min": those words come from the
 * core with every `Status` (`status.times`) and every history line (`HistoryLine.at_words`),
 * written by the one rule in `src/time_fmt.rs`, so the window says what the CLI and the tray
 * say. Only the login code's live countdown is counted here, second by second.
 */

/** "4:59": minutes and seconds left on a countdown. */
export function countdown(secondsLeft: number): string {
  const s = Math.max(0, Math.ceil(secondsLeft));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
