/**
 * A failure box that belongs to one story: what an earlier click found. When the state moves
 * on (another state, reason or next try), the box tells an old story ("neuer Versuch in
 * 25 s" frozen under a banner saying something else) and goes.
 */

import type { Status } from "../bindings/Status";
import { AlertSlot } from "./common";

/** What a failure box is about: when this changes, the box is stale. */
function storyOf(s: Status): string {
  return `${s.state}|${s.reason ?? ""}|${s.next_attempt_at ?? ""}`;
}

export class StoryAlert {
  private text: string | null = null;
  private story: string | null = null;

  constructor(private readonly slot: AlertSlot) {}

  /** Shows `text` for the story of `s` (or until the next action when `s` is unknown). */
  set(text: string, s: Status | null): void {
    this.text = text;
    this.story = s ? storyOf(s) : null;
    this.slot.set(text);
  }

  clear(): void {
    this.text = null;
    this.story = null;
    this.slot.clear();
  }

  /** Whether the box shows `sentence` already (then the screen should not say it again). */
  says(sentence: string): boolean {
    return this.text !== null && this.text.includes(sentence);
  }

  /** Clears the box when `s` tells another story; true when it did. */
  dropIfStale(s: Status | null): boolean {
    if (this.story === null || !s || storyOf(s) === this.story) return false;
    this.clear();
    return true;
  }
}
